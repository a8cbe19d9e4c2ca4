import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { RateLimitedError } from '../errors/domain.error';

export interface RateLimitRule {
  /** e.g. `login:ip:203.0.113.9` — never a secret (usernames are hashed by the caller). */
  bucket: string;
  limit: number;
  windowSeconds: number;
}

/**
 * Fixed-window rate limiting in PostgreSQL (one upsert per rule), so every replica shares the count.
 * Answers 429 problem+json with RateLimit-* and Retry-After headers when a rule is exceeded.
 */
@Injectable()
export class RateLimiter {
  constructor(private readonly dataSource: DataSource) {}

  async hit(rules: RateLimitRule[], what: string): Promise<void> {
    for (const rule of rules) {
      const rows: { hits: number; reset: number }[] = await this.dataSource.query(
        `INSERT INTO rate_limit_bucket (bucket, window_start, hits, expires_at)
         VALUES ($1, to_timestamp(floor(extract(epoch FROM now()) / $2) * $2), 1, to_timestamp(floor(extract(epoch FROM now()) / $2) * $2) + make_interval(secs => $2))
         ON CONFLICT (bucket, window_start) DO UPDATE SET hits = rate_limit_bucket.hits + 1
         RETURNING hits, ceil(extract(epoch FROM expires_at - now()))::int AS reset`,
        [rule.bucket, rule.windowSeconds],
      );
      const { hits, reset } = rows[0];
      if (hits > rule.limit) {
        const retryAfter = String(Math.max(1, reset));
        throw new RateLimitedError(`Too many ${what}; try again in ${retryAfter} s`, {
          'RateLimit-Limit': String(rule.limit),
          'RateLimit-Remaining': '0',
          'RateLimit-Reset': retryAfter,
          'Retry-After': retryAfter,
        });
      }
    }
  }

  async purgeExpired(): Promise<void> {
    await this.dataSource.query('DELETE FROM rate_limit_bucket WHERE expires_at < now()');
  }
}
