import { Injectable } from '@nestjs/common';
import { Database } from '../../database/database';
import { RateLimitedError } from '../errors/domain.error';

export interface RateLimitRule {
  /** e.g. `login:ip:203.0.113.9` — never a secret (usernames are hashed by the caller). */
  bucket: string;
  limit: number;
  windowSeconds: number;
}

/** Where a caller stands in its window: for the RateLimit-* headers of every response. */
export interface RateLimitState {
  limit: number;
  remaining: number;
  /** Seconds until the window resets. */
  reset: number;
}

/** RateLimit-Limit, RateLimit-Remaining and RateLimit-Reset (draft-ietf-httpapi-ratelimit-headers). */
export function rateLimitHeaders(state: RateLimitState): Record<string, string> {
  return { 'RateLimit-Limit': String(state.limit), 'RateLimit-Remaining': String(state.remaining), 'RateLimit-Reset': String(state.reset) };
}

/**
 * Fixed-window rate limiting in PostgreSQL, so every replica shares the count: all the rules of a check
 * in one upsert statement. Answers 429 problem+json with RateLimit-* and Retry-After headers when a rule is
 * exceeded.
 */
@Injectable()
export class RateLimiter {
  constructor(private readonly database: Database) {}

  async hit(rules: RateLimitRule[], what: string): Promise<void> {
    if (rules.length === 0) return;
    const rows = await this.database.query<{ bucket: string; hits: number; reset: number }>({
      name: 'rate-limit-hit',
      text: `INSERT INTO rate_limit_bucket (bucket, window_start, hits, expires_at)
             SELECT r.bucket, w.start, 1, w.start + make_interval(secs => r.secs)
               FROM unnest($1::text[], $2::int[]) AS r(bucket, secs)
               CROSS JOIN LATERAL (SELECT to_timestamp(floor(extract(epoch FROM now()) / r.secs) * r.secs) AS start) w
             ON CONFLICT (bucket, window_start) DO UPDATE SET hits = rate_limit_bucket.hits + 1
             RETURNING bucket, hits, ceil(extract(epoch FROM expires_at - now()))::int AS reset`,
      values: [rules.map((r) => r.bucket), rules.map((r) => r.windowSeconds)],
    });
    const byBucket = new Map(rows.map((r) => [r.bucket, r]));
    for (const rule of rules) {
      const row = byBucket.get(rule.bucket);
      if (row && row.hits > rule.limit) throw refusal(rule, row.hits, row.reset, what);
    }
  }

  /**
   * One rule, one prepared upsert (the per-request check of every authenticated route): counts the hit and
   * answers where the caller stands, or throws the 429 when it is over the limit.
   */
  async take(rule: RateLimitRule, what: string): Promise<RateLimitState> {
    const [row] = await this.database.query<{ hits: number; reset: number }>({
      name: 'rate-limit-take',
      text: `INSERT INTO rate_limit_bucket (bucket, window_start, hits, expires_at)
             SELECT $1, w.start, 1, w.start + make_interval(secs => $2::int)
               FROM (SELECT to_timestamp(floor(extract(epoch FROM now()) / $2::int) * $2::int) AS start) w
             ON CONFLICT (bucket, window_start) DO UPDATE SET hits = rate_limit_bucket.hits + 1
             RETURNING hits, ceil(extract(epoch FROM expires_at - now()))::int AS reset`,
      values: [rule.bucket, rule.windowSeconds],
    });
    if (row.hits > rule.limit) throw refusal(rule, row.hits, row.reset, what);
    return { limit: rule.limit, remaining: rule.limit - row.hits, reset: Math.max(1, row.reset) };
  }

  async purgeExpired(): Promise<void> {
    await this.database.query({ text: 'DELETE FROM rate_limit_bucket WHERE expires_at < now()' });
  }
}

function refusal(rule: RateLimitRule, hits: number, reset: number, what: string): RateLimitedError {
  const retryAfter = Math.max(1, reset);
  return new RateLimitedError(
    `Too many ${what}; try again in ${retryAfter} s`,
    { ...rateLimitHeaders({ limit: rule.limit, remaining: 0, reset: retryAfter }), 'Retry-After': String(retryAfter) },
    hits === rule.limit + 1,
  );
}
