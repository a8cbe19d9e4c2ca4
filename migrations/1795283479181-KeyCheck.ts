import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Key check values of the secrets every replica must share (src/config/key-check.ts): recorded by the
 * first start, compared by every later one, which refuses to start when its secrets differ.
 */
export class KeyCheck1795283479181 implements MigrationInterface {
  name = 'KeyCheck1795283479181';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "key_check" ("secret" text NOT NULL, "key_id" text NOT NULL, "check_value" text NOT NULL, "recorded_at" TIMESTAMP(6) WITH TIME ZONE NOT NULL DEFAULT clock_timestamp(), CONSTRAINT "PK_c84a6643de7cf3bef40a3388c3d" PRIMARY KEY ("secret", "key_id"))`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "key_check"`);
  }
}
