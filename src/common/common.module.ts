import { DynamicModule, Global, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR, APP_PIPE } from '@nestjs/core';
import { AppConfig } from '../config/app-config';
import { CommonJobs } from './common.jobs';
import { FIELD_ENCRYPTION, FieldEncryption } from './crypto/field-encryption';
import { RateLimiter } from './rate-limit/rate-limiter';
import { ConcurrencyLimiter } from './concurrency/concurrency-limiter';
import { EtagInterceptor } from './concurrency/etag.interceptor';
import { ExpensiveRouteInterceptor } from './concurrency/expensive.interceptor';
import { QueryWhitelistGuard } from './http/query-whitelist.guard';
import { IdempotencyInterceptor } from './idempotency/idempotency.interceptor';
import { IdempotencyRepository } from './idempotency/idempotency.repository';
import { HttpMetrics } from './metrics/http-metrics';
import { ProblemDetailsFilter } from './problem/problem-details.filter';
import { createValidationPipe } from './validation';

/** Cross-cutting providers: the problem filter, validation, ETags, idempotency, metrics, rate limits, field encryption. */
@Global()
@Module({})
export class CommonModule {
  static forRoot(metrics: HttpMetrics): DynamicModule {
    return {
      module: CommonModule,
      providers: [
        { provide: HttpMetrics, useValue: metrics },
        IdempotencyRepository,
        CommonJobs,
        RateLimiter,
        ConcurrencyLimiter,
        {
          provide: FIELD_ENCRYPTION,
          inject: [AppConfig],
          useFactory: (config: AppConfig) => new FieldEncryption(config.secrets.fieldEncryptionKeyId, config.secrets.fieldEncryptionKey, config.secrets.fieldEncryptionOlderKeys),
        },
        { provide: APP_FILTER, useClass: ProblemDetailsFilter },
        { provide: APP_PIPE, useFactory: createValidationPipe },
        // Before the access guard (this module is imported first): an unknown query parameter is a 400 before any other work.
        { provide: APP_GUARD, useClass: QueryWhitelistGuard },
        // Order matters: the first is outermost, so a replayed idempotent response still gets its ETag.
        { provide: APP_INTERCEPTOR, useClass: EtagInterceptor },
        { provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor },
        { provide: APP_INTERCEPTOR, useClass: ExpensiveRouteInterceptor },
      ],
      exports: [HttpMetrics, IdempotencyRepository, RateLimiter, ConcurrencyLimiter, FIELD_ENCRYPTION],
    };
  }
}
