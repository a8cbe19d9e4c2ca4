import { Inject, Injectable, Logger } from '@nestjs/common';
import { Cron } from '@nestjs/schedule';
import { runScheduledJob } from '../common/scheduling/scheduled-job';
import { AppConfig } from '../config/app-config';
import { EvidenceService, SWEEP_INTERVAL_MINUTES } from './evidence.service';

/** The integrity sweep: every 15 minutes, on one replica (advisory lock), its share of the files due. */
@Injectable()
export class EvidenceJobs {
  private readonly logger = new Logger('EvidenceJobs');

  constructor(
    @Inject(AppConfig) private readonly config: AppConfig,
    private readonly evidence: EvidenceService,
  ) {}

  @Cron(`0 */${SWEEP_INTERVAL_MINUTES} * * * *`)
  async sweep(): Promise<void> {
    await runScheduledJob(this.logger, this.config.schedulerEnabled, 'evidence integrity sweep', async () => {
      const result = await this.evidence.sweep();
      if (result && result.failed > 0) this.logger.error(`integrity sweep: ${result.failed} of ${result.checked} evidence file(s) failed their check`);
    });
  }
}
