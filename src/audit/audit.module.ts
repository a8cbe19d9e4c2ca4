import { Global, Module } from '@nestjs/common';
import { AuditController } from './audit.controller';
import { AuditRepository } from './audit.repository';
import { AuditSealer } from './audit-sealer.service';
import { AuditTrail } from './audit-trail.service';
import { AuditVerifier } from './audit-verifier.service';
import { AuditService } from './audit.service';

/** The audit trail: every feature appends through AuditTrail (exported globally). */
@Global()
@Module({
  controllers: [AuditController],
  providers: [AuditRepository, AuditTrail, AuditSealer, AuditVerifier, AuditService],
  exports: [AuditTrail, AuditService, AuditSealer],
})
export class AuditModule {}
