import { MigrationInterface, QueryRunner } from 'typeorm';

export class IdempotencyKeys1795238965205 implements MigrationInterface {
  name = 'IdempotencyKeys1795238965205';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "idempotency_key" ("principal" text NOT NULL, "key" text NOT NULL, "request_hash" text NOT NULL, "state" text NOT NULL, "response_status" integer, "response_body" jsonb, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "locked_until" TIMESTAMP WITH TIME ZONE NOT NULL, "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_58f453824c55154128cad7e4a60" PRIMARY KEY ("principal", "key"))`);
    await queryRunner.query(`CREATE INDEX "idx_idempotency_key_expires_at" ON "idempotency_key"  ("expires_at") `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."idx_idempotency_key_expires_at"`);
    await queryRunner.query(`DROP TABLE "idempotency_key"`);
  }
}
