import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Disabling an account ends its sessions for good: sessions that began before `sessions_valid_from` are
 * dead even after the account is enabled again.
 */
export class SessionsValidFrom1795245178641 implements MigrationInterface {
  name = 'SessionsValidFrom1795245178641';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "app_user" ADD "sessions_valid_from" TIMESTAMP WITH TIME ZONE`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "app_user" DROP COLUMN "sessions_valid_from"`);
  }
}
