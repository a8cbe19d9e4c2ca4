import { MigrationInterface, QueryRunner } from 'typeorm';

/** Counters of repeated identical denials, aggregated into one audit record per window (see AuditDenialWindowEntity). */
export class AuditDenialWindow1795245179641 implements MigrationInterface {
  name = 'AuditDenialWindow1795245179641';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "audit_denial_window" ("key" text NOT NULL, "window_start" TIMESTAMP WITH TIME ZONE NOT NULL, "hits" integer NOT NULL, "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "record" jsonb NOT NULL, CONSTRAINT "pk_audit_denial_window" PRIMARY KEY ("key", "window_start"))`,
    );
    await queryRunner.query(`CREATE INDEX "idx_audit_denial_window_expires_at" ON "audit_denial_window" ("expires_at")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."idx_audit_denial_window_expires_at"`);
    await queryRunner.query(`DROP TABLE "audit_denial_window"`);
  }
}
