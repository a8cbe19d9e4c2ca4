import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Rate-limit windows are counters worth nothing after a crash: the table is UNLOGGED, so an upsert's commit no
 * longer waits for the WAL to reach the disk. That wait was held with the window's row lock, so every request
 * of one principal (a busy integration: 50 connections of tip intake) queued behind the previous one's fsync —
 * measured 1.4 ms per upsert under intake load, 0.04 ms unlogged. What this gives up: after a crash of PostgreSQL
 * the windows start again from zero, and a standby (failover) has none.
 */
export class UnloggedRateLimits1795290000001 implements MigrationInterface {
  name = 'UnloggedRateLimits1795290000001';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "rate_limit_bucket" SET UNLOGGED`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "rate_limit_bucket" SET LOGGED`);
  }
}
