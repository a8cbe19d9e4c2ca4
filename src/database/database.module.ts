import { Global, Inject, Injectable, Logger, Module, OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { compareKeyChecks, keyChecksOf, KeyMismatchError } from '../config/key-check';
import { dataSourceOptions } from './data-source-options';
import { Database } from './database';
import { KeyCheckRepository } from './key-check.repository';
import { Locks } from './locks';
import { runMigrations } from './migrator';

/**
 * While the app starts, before it listens: applies pending migrations (MIGRATIONS_RUN, on by default), then
 * compares this replica's secrets with the key check values the database records (recording them on the
 * first start) and refuses to start, with KeyMismatchError, when one differs.
 */
@Injectable()
class DatabaseOnBoot implements OnModuleInit {
  private readonly logger = new Logger('Database');
  constructor(
    @Inject(AppConfig) private readonly config: AppConfig,
    private readonly dataSource: DataSource,
    private readonly keyChecks: KeyCheckRepository,
  ) {}

  async onModuleInit(): Promise<void> {
    if (this.config.migrationsRun) {
      const applied = await runMigrations(this.dataSource);
      if (applied.length > 0) this.logger.log(`applied ${applied.length} migration(s): ${applied.join(', ')}`);
    }
    await this.checkKeys();
  }

  private async checkKeys(): Promise<void> {
    const own = keyChecksOf(this.config.secrets);
    const { record, problems } = await this.keyChecks.reconcile((recorded) => compareKeyChecks(own, recorded));
    if (problems.length > 0) throw new KeyMismatchError(problems);
    const first = record.filter((r) => r.replaces === null);
    if (first.length > 0) {
      this.logger.log(
        `recorded the key check values of ${first.map((r) => `${r.secret} (key ${r.keyId})`).join(', ')}: every replica of this database must be given the same secrets`,
      );
    }
    for (const r of record.filter((k) => k.replaces !== null)) {
      this.logger.warn(`${r.secret}: key ${r.keyId} is now the current key, replacing key ${r.replaces} (kept for reading); give every replica the new value`);
    }
  }
}

@Global()
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        ...dataSourceOptions({ url: config.databaseUrl, statementTimeoutMs: config.statementTimeoutMs, poolSize: config.poolSize, acquireTimeoutMs: config.poolAcquireTimeoutMs }),
        retryAttempts: 3,
        retryDelay: 1000,
      }),
    }),
  ],
  providers: [Database, Locks, KeyCheckRepository, DatabaseOnBoot],
  exports: [Database, Locks],
})
export class DatabaseModule {}
