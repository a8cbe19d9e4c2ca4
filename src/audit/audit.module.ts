import { Global, Module } from '@nestjs/common';
import { ACCESS_DENIAL_RECORDER } from '../access/access-denial-recorder';
import { AuditController } from './audit.controller';
import { AuditJobs } from './audit.jobs';
import { AuditRepository } from './audit.repository';
import { AuditSealer } from './audit-sealer.service';
import { AuditTrail } from './audit-trail.service';
import { AuditVerifier } from './audit-verifier.service';
import { AuditService } from './audit.service';

/** The audit trail: every feature appends through AuditTrail (exported globally). */
@Global()
@Module({
  controllers: [AuditController],
  providers: [AuditRepository, AuditTrail, AuditSealer, AuditVerifier, AuditService, AuditJobs, { provide: ACCESS_DENIAL_RECORDER, useExisting: AuditTrail }],
  exports: [AuditTrail, AuditService, AuditSealer, ACCESS_DENIAL_RECORDER],
})
export class AuditModule {}
