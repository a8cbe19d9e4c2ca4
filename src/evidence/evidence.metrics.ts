import { Inject, Injectable } from '@nestjs/common';
import { Counter, Gauge } from 'prom-client';
import { HttpMetrics } from '../common/metrics/http-metrics';
import { AppConfig } from '../config/app-config';
import { EvidenceRepository } from './evidence.repository';

/**
 * Evidence integrity in /metrics: every check's result (by trigger: request, sweep, download), when this
 * replica last ran a sweep turn, and — computed on scrape from the database, so every replica reports the
 * same — how many stored files are intact, failed, or overdue for their periodic check.
 */
@Injectable()
export class EvidenceMetrics {
  private readonly checks: Counter<'result' | 'trigger'>;
  private readonly lastSweep: Gauge;

  constructor(metrics: HttpMetrics, repository: EvidenceRepository, @Inject(AppConfig) config: AppConfig) {
    this.checks = new Counter({
      name: 'casefile_evidence_integrity_checks_total',
      help: 'Integrity checks of stored evidence files by result (ok, failed) and trigger (request, sweep, download)',
      labelNames: ['result', 'trigger'],
      registers: [metrics.registry],
    });
    this.lastSweep = new Gauge({ name: 'casefile_evidence_sweep_last_run_timestamp_seconds', help: 'When this replica last completed a turn of the integrity sweep (Unix time)', registers: [metrics.registry] });
    new Gauge({
      name: 'casefile_evidence_files',
      help: 'Stored evidence files by integrity (ok, failed), and those overdue for their periodic check (EVIDENCE_VERIFY_PERIOD_HOURS); computed on scrape',
      labelNames: ['status'],
      registers: [metrics.registry],
      async collect() {
        const counts = await repository.fileCounts(config.evidence.verifyPeriodHours).catch(() => undefined);
        if (!counts) return;
        this.set({ status: 'ok' }, counts.ok);
        this.set({ status: 'failed' }, counts.failed);
        this.set({ status: 'overdue' }, counts.overdue);
      },
    });
  }

  verified(ok: boolean, trigger: 'request' | 'sweep' | 'download'): void {
    this.checks.inc({ result: ok ? 'ok' : 'failed', trigger });
  }

  swept(): void {
    this.lastSweep.setToCurrentTime();
  }
}
