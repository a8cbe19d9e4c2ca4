import { Injectable } from '@nestjs/common';
import { Gauge } from 'prom-client';
import { HttpMetrics } from '../common/metrics/http-metrics';
import { UsersService } from './users.service';

/**
 * `casefile_users_separation_of_duties_violations`: enabled accounts that still combine admin with
 * supervisor or auditor (created before the rule). They keep working; this gauge, computed on each scrape
 * (one count query), tells operators to split them.
 */
@Injectable()
export class UsersMetrics {
  constructor(metrics: HttpMetrics, users: UsersService) {
    new Gauge({
      name: 'casefile_users_separation_of_duties_violations',
      help: 'Enabled accounts combining admin with supervisor or auditor (separation of duties); computed on scrape',
      registers: [metrics.registry],
      async collect() {
        // The database unreachable: keep the last value rather than fail the whole scrape.
        const n = await users.countSeparationOfDutiesViolations().catch(() => undefined);
        if (n !== undefined) this.set(n);
      },
    });
  }
}
