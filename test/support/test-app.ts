import 'reflect-metadata';
import { DynamicModule } from '@nestjs/common';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import request from 'supertest';
import TestAgent from 'supertest/lib/agent';
import { DataSource } from 'typeorm';
import { buildOpenApiDocument, createApp } from '../../src/app.setup';
import { createRootLogger } from '../../src/common/logging/logger';
import { AppConfig } from '../../src/config/app-config';
import { loadEnvironment } from '../../src/config/environment';
import { loadSecrets } from '../../src/config/secrets';
import { createTestDatabase } from './test-database';
import { OPENAPI_VALIDATION_ENV, writeAppRecord } from './openapi-coverage';
import { OpenApiDocument, recordResponses, ResponseLog } from './openapi-validator';

export interface TestApp {
  app: NestFastifyApplication;
  config: AppConfig;
  http: () => TestAgent;
  dataSource: DataSource;
  databaseUrl: string;
  /** Every log line the app wrote, parsed. */
  logs: Record<string, unknown>[];
  rawLogs: () => string;
  /** Every response checked against the OpenAPI document the app serves (close() fails on a violation). */
  contract: ResponseLog;
  close: () => Promise<void>;
}

export interface TestAppOptions {
  env?: Record<string, string>;
  wrapModule?: (root: DynamicModule) => DynamicModule;
  label?: string;
  /**
   * Boot on an existing database (another app's) instead of a fresh clone: for multi-replica tests. Replicas
   * of one database share their secrets (as a deployment must), unless `env` gives this one others.
   */
  sharedDatabaseUrl?: string;
}

/** The secrets directory of each test database: its replicas share it. */
const secretsDirs = new Map<string, string>();

/** Boots the whole app on this test file's own database (cloned from the migrated template). */
export async function createTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const db = options.sharedDatabaseUrl
    ? { url: options.sharedDatabaseUrl, drop: async () => undefined }
    : await createTestDatabase(options.label ?? expect.getState().testPath?.split('/').pop()?.split('.')[0] ?? 'file');
  const env = loadEnvironment({
    NODE_ENV: 'test',
    LOG_LEVEL: 'info',
    MFA_REQUIRED: 'false',
    SCHEDULER_ENABLED: 'false',
    DB_POOL_SIZE: '10',
    LOGIN_RATE_LIMIT_PER_IP: '10000',
    LOGIN_RATE_LIMIT_PER_USERNAME: '10000',
    API_RATE_LIMIT_PER_MINUTE: '100000',
    ANONYMOUS_RATE_LIMIT_PER_MINUTE: '100000',
    BOOTSTRAP_ADMIN_PASSWORD: 'bootstrap-admin-password-for-tests',
    AUDIT_SEAL_INTERVAL_MS: '100',
    SHUTDOWN_DRAIN_MS: '0',
    ...options.env,
  });
  const secretsDir = secretsDirs.get(db.url) ?? mkdtempSync(join(tmpdir(), 'casefile-test-'));
  secretsDirs.set(db.url, secretsDir);
  const { secrets } = loadSecrets(secretsDir, env);
  const config = new AppConfig(env, db.url, secrets);
  const chunks: string[] = [];
  const logs: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      const text = chunk.toString('utf8');
      chunks.push(text);
      for (const line of text.split('\n')) if (line.trim()) logs.push(JSON.parse(line) as Record<string, unknown>);
      cb();
    },
  });
  let app: NestFastifyApplication | undefined;
  const contract = new ResponseLog();
  let document: OpenApiDocument | undefined;
  try {
    app = await createApp(config, { logger: createRootLogger(env.LOG_LEVEL, sink), wrapModule: options.wrapModule });
    recordResponses(app.getHttpAdapter().getInstance(), contract);
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
    document = buildOpenApiDocument(app) as unknown as OpenApiDocument;
    contract.holdTo(document);
  } catch (e) {
    // Refused to start (a bad setting, secrets that differ from the database's): release what did start —
    // its pool, sealer and timers — or jest would never exit. Closing a half-initialised app runs its hooks.
    await app?.close().catch(() => undefined);
    await db.drop().catch(() => undefined);
    throw e;
  }
  return {
    app,
    config,
    http: () => request(app.getHttpServer()),
    dataSource: app.get(DataSource),
    databaseUrl: db.url,
    logs,
    rawLogs: () => chunks.join(''),
    contract,
    close: async () => {
      await app.close();
      await db.drop();
      // Every test file's log, whatever it exercised, is held to this: no password hash, ever.
      if (chunks.some((c) => c.includes('$argon2'))) throw new Error('The log holds an argon2 password hash (see rawLogs())');
      // And every response it got, to the OpenAPI document.
      writeAppRecord({ file: expect.getState().testPath ?? '', seen: Object.fromEntries([...contract.seen].map(([op, s]) => [op, [...s]])), violations: contract.violations }, document);
      if (contract.violations.length > 0 && process.env[OPENAPI_VALIDATION_ENV] !== 'report') {
        const shown = contract.violations.slice(0, 30).map((v) => `  ${v.operation} → ${v.status} (${v.url}): ${v.problem}`);
        throw new Error(`${contract.violations.length} response(s) the OpenAPI document does not allow:\n${shown.join('\n')}`);
      }
    },
  };
}
