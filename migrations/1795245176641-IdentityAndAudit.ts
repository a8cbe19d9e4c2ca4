import { MigrationInterface, QueryRunner } from 'typeorm';

export class IdentityAndAudit1795245176641 implements MigrationInterface {
  name = 'IdentityAndAudit1795245176641';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "audit_event" ("seq" BIGSERIAL NOT NULL, "occurred_at" TIMESTAMP(6) WITH TIME ZONE NOT NULL DEFAULT clock_timestamp(), "actor_kind" text NOT NULL, "actor_id" uuid, "actor_roles" text array NOT NULL DEFAULT '{}', "action" text NOT NULL, "resource_type" text, "resource_id" text, "case_id" uuid, "outcome" text NOT NULL, "request_id" text, "source_ip" text, "user_agent" text, "changes" jsonb, "details" jsonb, CONSTRAINT "ck_audit_event_actor_kind" CHECK (actor_kind IN ('user', 'integration', 'system', 'anonymous')), CONSTRAINT "ck_audit_event_outcome" CHECK (outcome IN ('success', 'denied', 'error')), CONSTRAINT "PK_53300da00860bdf4dc3ef7daae6" PRIMARY KEY ("seq"))`);
    await queryRunner.query(`CREATE INDEX "idx_audit_event_resource" ON "audit_event"  ("resource_type", "resource_id", "seq") WHERE resource_id IS NOT NULL`);
    await queryRunner.query(`CREATE INDEX "idx_audit_event_case" ON "audit_event"  ("case_id", "seq") WHERE case_id IS NOT NULL`);
    await queryRunner.query(`CREATE INDEX "idx_audit_event_action" ON "audit_event"  ("action", "seq") `);
    await queryRunner.query(`CREATE INDEX "idx_audit_event_actor" ON "audit_event"  ("actor_id", "seq") WHERE actor_id IS NOT NULL`);
    await queryRunner.query(`CREATE TABLE "audit_checkpoint" ("chain_position" bigint NOT NULL, "head_hash" text NOT NULL, "created_at" TIMESTAMP(6) WITH TIME ZONE NOT NULL, "algorithm" text NOT NULL, "key_id" text NOT NULL, "signature" text NOT NULL, CONSTRAINT "PK_ecc6e6b4f4d16d233fdb2ee56b3" PRIMARY KEY ("chain_position"))`);
    await queryRunner.query(`CREATE TABLE "audit_seal" ("chain_position" bigint NOT NULL, "seq" bigint NOT NULL, "prev_hash" text NOT NULL, "hash" text NOT NULL, "sealed_at" TIMESTAMP(6) WITH TIME ZONE NOT NULL DEFAULT clock_timestamp(), CONSTRAINT "PK_d79c52c3aedf5f78209e6307df1" PRIMARY KEY ("chain_position"))`);
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_audit_seal_seq" ON "audit_seal"  ("seq") `);
    await queryRunner.query(`CREATE TABLE "audit_unsealed" ("seq" bigint NOT NULL, CONSTRAINT "PK_86102001aec43e0838c90fc58d8" PRIMARY KEY ("seq"))`);
    await queryRunner.query(`CREATE TABLE "app_user" ("id" uuid NOT NULL, "username" citext NOT NULL, "display_name" text NOT NULL, "password_hash" text NOT NULL, "roles" text array NOT NULL, "disabled_at" TIMESTAMP WITH TIME ZONE, "disabled_reason" text, "failed_login_count" integer NOT NULL DEFAULT '0', "locked_until" TIMESTAMP WITH TIME ZONE, "last_login_at" TIMESTAMP WITH TIME ZONE, "last_seen_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "totp_secret" text, "totp_pending_secret" text, "totp_enabled_at" TIMESTAMP WITH TIME ZONE, "totp_last_step" bigint, "password_changed_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "version" integer NOT NULL DEFAULT '1', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "ck_app_user_failed_login_count" CHECK (failed_login_count >= 0), CONSTRAINT "ck_app_user_roles" CHECK (cardinality(roles) >= 1 AND roles <@ ARRAY['admin', 'supervisor', 'investigator', 'analyst', 'intake', 'auditor']::text[]), CONSTRAINT "PK_22a5c4a3d9b2fb8e4e73fc4ada1" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_app_user_username" ON "app_user"  ("username") `);
    await queryRunner.query(`CREATE INDEX "idx_app_user_last_seen" ON "app_user"  ("last_seen_at") WHERE disabled_at IS NULL`);
    await queryRunner.query(`CREATE TABLE "auth_session" ("id" uuid NOT NULL, "user_id" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "last_used_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "revoked_at" TIMESTAMP WITH TIME ZONE, "revoked_reason" text, "user_agent" text, CONSTRAINT "PK_19354ed146424a728c1112a8cbf" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "idx_auth_session_user" ON "auth_session"  ("user_id") WHERE revoked_at IS NULL`);
    await queryRunner.query(`CREATE TABLE "refresh_token" ("token_hash" text NOT NULL, "session_id" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "used_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_f0812282fad2e352cdaf83ef0a9" PRIMARY KEY ("token_hash"))`);
    await queryRunner.query(`CREATE INDEX "idx_refresh_token_session" ON "refresh_token"  ("session_id") `);
    await queryRunner.query(`CREATE TABLE "case_member" ("case_id" uuid NOT NULL, "user_id" uuid NOT NULL, "role" text NOT NULL, "added_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "ck_case_member_role" CHECK (role IN ('lead', 'member', 'viewer')), CONSTRAINT "PK_e64cc3d251bc826e6d879b58d94" PRIMARY KEY ("case_id", "user_id"))`);
    await queryRunner.query(`CREATE INDEX "idx_case_member_user" ON "case_member"  ("user_id") `);
    await queryRunner.query(`CREATE TABLE "integration" ("id" uuid NOT NULL, "name" text NOT NULL, "key_prefix" text NOT NULL, "key_hash" text NOT NULL, "created_by" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "rotated_at" TIMESTAMP WITH TIME ZONE, "revoked_at" TIMESTAMP WITH TIME ZONE, "last_used_at" TIMESTAMP WITH TIME ZONE, "version" integer NOT NULL DEFAULT '1', CONSTRAINT "PK_f348d4694945d9dc4c7049a178a" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_integration_key_prefix" ON "integration"  ("key_prefix") `);
    await queryRunner.query(`CREATE TABLE "rate_limit_bucket" ("bucket" text NOT NULL, "window_start" TIMESTAMP WITH TIME ZONE NOT NULL, "hits" integer NOT NULL, "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_1dda1ef28fe76a63359b7679a34" PRIMARY KEY ("bucket", "window_start"))`);
    await queryRunner.query(`CREATE INDEX "idx_rate_limit_bucket_expires_at" ON "rate_limit_bucket"  ("expires_at") `);
    await queryRunner.query(`ALTER TABLE "audit_seal" ADD CONSTRAINT "FK_cdd96d1d006a28950144cd4b4c7" FOREIGN KEY ("seq") REFERENCES "audit_event"("seq") ON DELETE NO ACTION ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "auth_session" ADD CONSTRAINT "FK_b8783d517fab10672700a39cb49" FOREIGN KEY ("user_id") REFERENCES "app_user"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "refresh_token" ADD CONSTRAINT "FK_7643a722ca45fb721be1c63dc0c" FOREIGN KEY ("session_id") REFERENCES "auth_session"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "refresh_token" DROP CONSTRAINT "FK_7643a722ca45fb721be1c63dc0c"`);
    await queryRunner.query(`ALTER TABLE "auth_session" DROP CONSTRAINT "FK_b8783d517fab10672700a39cb49"`);
    await queryRunner.query(`ALTER TABLE "audit_seal" DROP CONSTRAINT "FK_cdd96d1d006a28950144cd4b4c7"`);
    await queryRunner.query(`DROP INDEX "public"."idx_rate_limit_bucket_expires_at"`);
    await queryRunner.query(`DROP TABLE "rate_limit_bucket"`);
    await queryRunner.query(`DROP INDEX "public"."uq_integration_key_prefix"`);
    await queryRunner.query(`DROP TABLE "integration"`);
    await queryRunner.query(`DROP INDEX "public"."idx_case_member_user"`);
    await queryRunner.query(`DROP TABLE "case_member"`);
    await queryRunner.query(`DROP INDEX "public"."idx_refresh_token_session"`);
    await queryRunner.query(`DROP TABLE "refresh_token"`);
    await queryRunner.query(`DROP INDEX "public"."idx_auth_session_user"`);
    await queryRunner.query(`DROP TABLE "auth_session"`);
    await queryRunner.query(`DROP INDEX "public"."idx_app_user_last_seen"`);
    await queryRunner.query(`DROP INDEX "public"."uq_app_user_username"`);
    await queryRunner.query(`DROP TABLE "app_user"`);
    await queryRunner.query(`DROP TABLE "audit_unsealed"`);
    await queryRunner.query(`DROP INDEX "public"."uq_audit_seal_seq"`);
    await queryRunner.query(`DROP TABLE "audit_seal"`);
    await queryRunner.query(`DROP TABLE "audit_checkpoint"`);
    await queryRunner.query(`DROP INDEX "public"."idx_audit_event_actor"`);
    await queryRunner.query(`DROP INDEX "public"."idx_audit_event_action"`);
    await queryRunner.query(`DROP INDEX "public"."idx_audit_event_case"`);
    await queryRunner.query(`DROP INDEX "public"."idx_audit_event_resource"`);
    await queryRunner.query(`DROP TABLE "audit_event"`);
  }
}
