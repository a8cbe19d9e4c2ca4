import { Global, Inject, Injectable, Logger, Module, OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { dataSourceOptions } from './data-source-options';
import { Database } from './database';
import { Locks } from './locks';
import { runMigrations } from './migrator';

/** Applies pending migrations while the app starts (MIGRATIONS_RUN, on by default), before it listens. */
@Injectable()
class MigrationsOnBoot implements OnModuleInit {
  private readonly logger = new Logger('Migrations');
  constructor(
    @Inject(AppConfig) private readonly config: AppConfig,
    private readonly dataSource: DataSource,
  ) {}

  async onModuleInit(): Promise<void> {
    if (!this.config.migrationsRun) return;
    const applied = await runMigrations(this.dataSource);
    if (applied.length > 0) this.logger.log(`applied ${applied.length} migration(s): ${applied.join(', ')}`);
  }
}

@Global()
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        ...dataSourceOptions({ url: config.databaseUrl, statementTimeoutMs: config.statementTimeoutMs, poolSize: config.poolSize }),
        retryAttempts: 3,
        retryDelay: 1000,
      }),
    }),
  ],
  providers: [MigrationsOnBoot, Database, Locks],
  exports: [Database, Locks],
})
export class DatabaseModule {}
