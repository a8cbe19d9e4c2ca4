import { Module } from '@nestjs/common';
import { CasesModule } from '../cases/cases.module';
import { AppConfig } from '../config/app-config';
import { EvidenceFiles } from './evidence-files';
import { EVIDENCE_STORAGE, LocalDiskEvidenceStorage } from './evidence-storage';
import { EvidenceController } from './evidence.controller';
import { EvidenceJobs } from './evidence.jobs';
import { EvidenceMetrics } from './evidence.metrics';
import { EvidenceRepository } from './evidence.repository';
import { EvidenceService } from './evidence.service';

/** Evidence under cases: streamed, hashed, encrypted uploads; the chain of custody; integrity checks; the manifest. */
@Module({
  imports: [CasesModule],
  controllers: [EvidenceController],
  providers: [
    { provide: EVIDENCE_STORAGE, inject: [AppConfig], useFactory: (config: AppConfig) => new LocalDiskEvidenceStorage(config.evidence.dir) },
    EvidenceFiles,
    EvidenceRepository,
    EvidenceMetrics,
    EvidenceService,
    EvidenceJobs,
  ],
})
export class EvidenceModule {}
