import { Inject, Injectable } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { Database } from '../../database/database';
import { RateLimitedError, ServiceUnavailableError } from '../errors/domain.error';

/** Seconds a refused caller is asked to wait before trying an expensive route again. */
export const EXPENSIVE_RETRY_AFTER_SECONDS = 5;

/**
 * How many expensive requests (audit verify and export) run at once, per principal and in all, so one
 * caller cannot take the pool from everyone else. Two gates, both answering at once rather than queueing:
 *
 * 1. in this process (no I/O): at most `perPrincipal` for one principal (429) and `total` in all (503);
 * 2. in PostgreSQL, for every replica together: session advisory locks on a connection of its own, held
 *    while the work runs — one of `perPrincipal` slots keyed by the principal (429) and one of `total`
 *    slots of the group (503). A crashed replica's locks end with its connections.
 */
@Injectable()
export class ConcurrencyLimiter {
  private readonly running = new Map<string, number>();
  private total = 0;

  constructor(
    private readonly database: Database,
    @Inject(AppConfig) private readonly config: AppConfig,
  ) {}

  async run<T>(group: string, principalKey: string, work: () => Promise<T>): Promise<T> {
    const { perPrincipal, total } = this.config.expensiveConcurrency;
    const mine = this.running.get(principalKey) ?? 0;
    if (mine >= perPrincipal) throw tooManyOfYours(perPrincipal);
    if (this.total >= total) throw busy();
    this.running.set(principalKey, mine + 1);
    this.total += 1;
    try {
      return await this.database.withSessionLocks<{ slot: number }, T>(
        {
          name: 'concurrency-slots',
          // A principal slot first, then a slot of the group; LIMIT 1 stops at the first lock taken.
          text: `SELECT CASE WHEN (SELECT true FROM generate_series(0, $3::int - 1) p WHERE pg_try_advisory_lock(hashtext($1 || ':' || $2), p) LIMIT 1)
                             THEN coalesce((SELECT s FROM generate_series(0, $4::int - 1) s WHERE pg_try_advisory_lock(hashtext($1), s) LIMIT 1), -1)
                             ELSE -2 END AS slot`,
          values: [`casefile:expensive:${group}`, principalKey, perPrincipal, total],
        },
        async (row) => {
          if (!row || row.slot === -2) throw tooManyOfYours(perPrincipal);
          if (row.slot === -1) throw busy();
          return work();
        },
      );
    } finally {
      this.total -= 1;
      const left = (this.running.get(principalKey) ?? 1) - 1;
      if (left > 0) this.running.set(principalKey, left);
      else this.running.delete(principalKey);
    }
  }
}

function tooManyOfYours(perPrincipal: number): RateLimitedError {
  const retryAfter = String(EXPENSIVE_RETRY_AFTER_SECONDS);
  return new RateLimitedError(`You already have ${perPrincipal} expensive request${perPrincipal === 1 ? '' : 's'} (audit verify or export) running; try again when it has finished`, { 'Retry-After': retryAfter });
}

function busy(): ServiceUnavailableError {
  return new ServiceUnavailableError('expensive-requests-busy', 'Too many expensive requests (audit verify or export) are running; try again shortly', EXPENSIVE_RETRY_AFTER_SECONDS);
}
