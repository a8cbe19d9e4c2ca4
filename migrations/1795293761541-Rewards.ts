import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Reward offers, the registry entities they cover, and claims on tips. Besides what the entities declare
 * (money in `bigint` minor units within 1..2^53-1; the cap ck_reward_offer_cap; the per-state checks of a claim;
 * two different people at each step; one live claim per tip and offer; a payment reference used once):
 * - reward_claim_guard (BEFORE INSERT OR UPDATE): a claim starts `recommended`; its state only moves
 *   recommended → approved | denied and approved → paid, so a paid or denied claim never changes again (a claim
 *   cannot be paid twice, whatever the application does); its offer, tip, amount and recommender never change.
 * - reward_claim_commit (AFTER UPDATE): when a claim enters or leaves approved/paid, its amount is added to or
 *   taken from the offer's committed_amount. That UPDATE takes the offer's row lock and computes on the latest
 *   committed value, and ck_reward_offer_cap refuses a total over the maximum: the cap holds in the database
 *   under any concurrency, besides the service's own SELECT … FOR UPDATE of the offer.
 * - reward_offer_guard (BEFORE INSERT OR UPDATE): committed_amount starts at 0 and is moved only by
 *   reward_claim_commit (pg_trigger_depth() > 1); an offer's currency never changes.
 * - No DELETE or TRUNCATE of offers or claims (money records are kept).
 */
export class Rewards1795293761541 implements MigrationInterface {
  name = 'Rewards1795293761541';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "reward_offer" ("id" uuid NOT NULL, "program" text NOT NULL, "description" text NOT NULL DEFAULT '', "max_amount" bigint NOT NULL, "currency" text NOT NULL, "committed_amount" bigint NOT NULL DEFAULT '0', "status" text NOT NULL DEFAULT 'open', "closed_at" TIMESTAMP WITH TIME ZONE, "created_by" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "version" integer NOT NULL DEFAULT '1', CONSTRAINT "ck_reward_offer_closed" CHECK ((status = 'closed') = (closed_at IS NOT NULL)), CONSTRAINT "ck_reward_offer_cap" CHECK (committed_amount >= 0 AND committed_amount <= max_amount), CONSTRAINT "ck_reward_offer_max" CHECK (max_amount > 0 AND max_amount <= 9007199254740991), CONSTRAINT "ck_reward_offer_currency" CHECK (currency ~ '^[A-Z]{3}$'), CONSTRAINT "ck_reward_offer_status" CHECK (status IN ('open', 'closed')), CONSTRAINT "PK_b1204d8bf2a554d5d7c64390e15" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "idx_reward_offer_status" ON "reward_offer"  ("status", "id") `);
    await queryRunner.query(`CREATE TABLE "reward_offer_subject" ("offer_id" uuid NOT NULL, "subject_id" uuid NOT NULL, CONSTRAINT "pk_reward_offer_subject" PRIMARY KEY ("offer_id", "subject_id"))`);
    await queryRunner.query(`CREATE INDEX "idx_reward_offer_subject_subject" ON "reward_offer_subject"  ("subject_id") `);
    await queryRunner.query(`CREATE TABLE "reward_offer_organization" ("offer_id" uuid NOT NULL, "organization_id" uuid NOT NULL, CONSTRAINT "pk_reward_offer_organization" PRIMARY KEY ("offer_id", "organization_id"))`);
    await queryRunner.query(`CREATE INDEX "idx_reward_offer_organization_organization" ON "reward_offer_organization"  ("organization_id") `);
    await queryRunner.query(`CREATE TABLE "reward_claim" ("id" uuid NOT NULL, "offer_id" uuid NOT NULL, "tip_id" uuid NOT NULL, "amount" bigint NOT NULL, "justification" text NOT NULL, "state" text NOT NULL DEFAULT 'recommended', "recommended_by" uuid NOT NULL, "recommended_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "approved_by" uuid, "approved_at" TIMESTAMP WITH TIME ZONE, "approval_note" text, "denied_by" uuid, "denied_at" TIMESTAMP WITH TIME ZONE, "denial_reason" text, "paid_by" uuid, "paid_at" TIMESTAMP WITH TIME ZONE, "payment_reference" text, "payment_recorded_at" TIMESTAMP WITH TIME ZONE, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "version" integer NOT NULL DEFAULT '1', CONSTRAINT "ck_reward_claim_two_persons" CHECK ((approved_by IS NULL OR approved_by <> recommended_by) AND (denied_by IS NULL OR denied_by <> recommended_by) AND (paid_by IS NULL OR paid_by <> approved_by)), CONSTRAINT "ck_reward_claim_paid" CHECK ((state = 'paid') = (paid_by IS NOT NULL AND paid_at IS NOT NULL AND payment_reference IS NOT NULL AND payment_recorded_at IS NOT NULL)), CONSTRAINT "ck_reward_claim_denied" CHECK ((state = 'denied') = (denied_by IS NOT NULL AND denied_at IS NOT NULL AND denial_reason IS NOT NULL)), CONSTRAINT "ck_reward_claim_approved" CHECK ((state IN ('approved', 'paid')) = (approved_by IS NOT NULL AND approved_at IS NOT NULL)), CONSTRAINT "ck_reward_claim_amount" CHECK (amount > 0 AND amount <= 9007199254740991), CONSTRAINT "ck_reward_claim_state" CHECK (state IN ('recommended', 'approved', 'denied', 'paid')), CONSTRAINT "PK_ecf9eb6840f52940b38611738a2" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "idx_reward_claim_recommender" ON "reward_claim"  ("recommended_by", "id") `);
    await queryRunner.query(`CREATE INDEX "idx_reward_claim_state" ON "reward_claim"  ("state", "id") `);
    await queryRunner.query(`CREATE INDEX "idx_reward_claim_offer" ON "reward_claim"  ("offer_id", "id") `);
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_reward_claim_payment_reference" ON "reward_claim"  ("payment_reference") WHERE payment_reference IS NOT NULL`);
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_reward_claim_live" ON "reward_claim"  ("tip_id", "offer_id") WHERE state <> 'denied'`);
    await queryRunner.query(`ALTER TABLE "reward_offer" ADD CONSTRAINT "fk_reward_offer_creator" FOREIGN KEY ("created_by") REFERENCES "app_user"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "reward_offer_subject" ADD CONSTRAINT "fk_reward_offer_subject_offer" FOREIGN KEY ("offer_id") REFERENCES "reward_offer"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "reward_offer_subject" ADD CONSTRAINT "fk_reward_offer_subject_subject" FOREIGN KEY ("subject_id") REFERENCES "subject"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "reward_offer_organization" ADD CONSTRAINT "fk_reward_offer_organization_offer" FOREIGN KEY ("offer_id") REFERENCES "reward_offer"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "reward_offer_organization" ADD CONSTRAINT "fk_reward_offer_organization_organization" FOREIGN KEY ("organization_id") REFERENCES "organization"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "reward_claim" ADD CONSTRAINT "fk_reward_claim_offer" FOREIGN KEY ("offer_id") REFERENCES "reward_offer"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "reward_claim" ADD CONSTRAINT "fk_reward_claim_tip" FOREIGN KEY ("tip_id") REFERENCES "tip"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "reward_claim" ADD CONSTRAINT "fk_reward_claim_recommender" FOREIGN KEY ("recommended_by") REFERENCES "app_user"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "reward_claim" ADD CONSTRAINT "fk_reward_claim_approver" FOREIGN KEY ("approved_by") REFERENCES "app_user"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "reward_claim" ADD CONSTRAINT "fk_reward_claim_denier" FOREIGN KEY ("denied_by") REFERENCES "app_user"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "reward_claim" ADD CONSTRAINT "fk_reward_claim_payer" FOREIGN KEY ("paid_by") REFERENCES "app_user"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`);
    await queryRunner.query(`
      CREATE FUNCTION reward_claim_guard() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'INSERT' THEN
          IF NEW.state <> 'recommended' THEN
            RAISE EXCEPTION 'a reward claim starts recommended' USING ERRCODE = 'check_violation', CONSTRAINT = 'ck_reward_claim_transition';
          END IF;
          RETURN NEW;
        END IF;
        IF NEW.offer_id <> OLD.offer_id OR NEW.tip_id <> OLD.tip_id OR NEW.amount <> OLD.amount OR NEW.recommended_by <> OLD.recommended_by THEN
          RAISE EXCEPTION 'the offer, tip, amount and recommender of a reward claim never change' USING ERRCODE = 'check_violation', CONSTRAINT = 'ck_reward_claim_immutable';
        END IF;
        IF NOT ((OLD.state = 'recommended' AND NEW.state IN ('approved', 'denied')) OR (OLD.state = 'approved' AND NEW.state = 'paid')) THEN
          RAISE EXCEPTION 'a reward claim cannot go from % to %', OLD.state, NEW.state USING ERRCODE = 'check_violation', CONSTRAINT = 'ck_reward_claim_transition';
        END IF;
        RETURN NEW;
      END $$`);
    await queryRunner.query(`CREATE TRIGGER reward_claim_guard BEFORE INSERT OR UPDATE ON reward_claim FOR EACH ROW EXECUTE FUNCTION reward_claim_guard()`);
    await queryRunner.query(`
      CREATE FUNCTION reward_claim_commit() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        delta bigint := (CASE WHEN NEW.state IN ('approved', 'paid') THEN NEW.amount ELSE 0 END)
                      - (CASE WHEN OLD.state IN ('approved', 'paid') THEN OLD.amount ELSE 0 END);
      BEGIN
        IF delta <> 0 THEN
          UPDATE reward_offer SET committed_amount = committed_amount + delta WHERE id = NEW.offer_id;
        END IF;
        RETURN NULL;
      END $$`);
    await queryRunner.query(`CREATE TRIGGER reward_claim_commit AFTER UPDATE ON reward_claim FOR EACH ROW EXECUTE FUNCTION reward_claim_commit()`);
    await queryRunner.query(`
      CREATE FUNCTION reward_offer_guard() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'INSERT' THEN
          IF NEW.committed_amount <> 0 THEN
            RAISE EXCEPTION 'a new reward offer has nothing committed' USING ERRCODE = 'check_violation', CONSTRAINT = 'ck_reward_offer_committed';
          END IF;
          RETURN NEW;
        END IF;
        IF NEW.committed_amount <> OLD.committed_amount AND pg_trigger_depth() < 2 THEN
          RAISE EXCEPTION 'committed_amount moves only with the claims' USING ERRCODE = 'check_violation', CONSTRAINT = 'ck_reward_offer_committed';
        END IF;
        IF NEW.currency <> OLD.currency THEN
          RAISE EXCEPTION 'the currency of a reward offer never changes' USING ERRCODE = 'check_violation', CONSTRAINT = 'ck_reward_offer_currency_fixed';
        END IF;
        RETURN NEW;
      END $$`);
    await queryRunner.query(`CREATE TRIGGER reward_offer_guard BEFORE INSERT OR UPDATE ON reward_offer FOR EACH ROW EXECUTE FUNCTION reward_offer_guard()`);
    await queryRunner.query(`
      CREATE FUNCTION reward_refuse_delete() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION '% rows are kept: % is not allowed', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
      END $$`);
    for (const table of ['reward_offer', 'reward_claim']) {
      await queryRunner.query(`CREATE TRIGGER ${table}_no_delete BEFORE DELETE ON ${table} FOR EACH ROW EXECUTE FUNCTION reward_refuse_delete()`);
      await queryRunner.query(`CREATE TRIGGER ${table}_no_truncate BEFORE TRUNCATE ON ${table} FOR EACH STATEMENT EXECUTE FUNCTION reward_refuse_delete()`);
    }
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['reward_offer', 'reward_claim']) {
      await queryRunner.query(`DROP TRIGGER ${table}_no_truncate ON ${table}`);
      await queryRunner.query(`DROP TRIGGER ${table}_no_delete ON ${table}`);
    }
    await queryRunner.query(`DROP FUNCTION reward_refuse_delete()`);
    await queryRunner.query(`DROP TRIGGER reward_offer_guard ON reward_offer`);
    await queryRunner.query(`DROP FUNCTION reward_offer_guard()`);
    await queryRunner.query(`DROP TRIGGER reward_claim_commit ON reward_claim`);
    await queryRunner.query(`DROP FUNCTION reward_claim_commit()`);
    await queryRunner.query(`DROP TRIGGER reward_claim_guard ON reward_claim`);
    await queryRunner.query(`DROP FUNCTION reward_claim_guard()`);
    await queryRunner.query(`ALTER TABLE "reward_claim" DROP CONSTRAINT "fk_reward_claim_payer"`);
    await queryRunner.query(`ALTER TABLE "reward_claim" DROP CONSTRAINT "fk_reward_claim_denier"`);
    await queryRunner.query(`ALTER TABLE "reward_claim" DROP CONSTRAINT "fk_reward_claim_approver"`);
    await queryRunner.query(`ALTER TABLE "reward_claim" DROP CONSTRAINT "fk_reward_claim_recommender"`);
    await queryRunner.query(`ALTER TABLE "reward_claim" DROP CONSTRAINT "fk_reward_claim_tip"`);
    await queryRunner.query(`ALTER TABLE "reward_claim" DROP CONSTRAINT "fk_reward_claim_offer"`);
    await queryRunner.query(`ALTER TABLE "reward_offer_organization" DROP CONSTRAINT "fk_reward_offer_organization_organization"`);
    await queryRunner.query(`ALTER TABLE "reward_offer_organization" DROP CONSTRAINT "fk_reward_offer_organization_offer"`);
    await queryRunner.query(`ALTER TABLE "reward_offer_subject" DROP CONSTRAINT "fk_reward_offer_subject_subject"`);
    await queryRunner.query(`ALTER TABLE "reward_offer_subject" DROP CONSTRAINT "fk_reward_offer_subject_offer"`);
    await queryRunner.query(`ALTER TABLE "reward_offer" DROP CONSTRAINT "fk_reward_offer_creator"`);
    await queryRunner.query(`DROP INDEX "public"."uq_reward_claim_live"`);
    await queryRunner.query(`DROP INDEX "public"."uq_reward_claim_payment_reference"`);
    await queryRunner.query(`DROP INDEX "public"."idx_reward_claim_offer"`);
    await queryRunner.query(`DROP INDEX "public"."idx_reward_claim_state"`);
    await queryRunner.query(`DROP INDEX "public"."idx_reward_claim_recommender"`);
    await queryRunner.query(`DROP TABLE "reward_claim"`);
    await queryRunner.query(`DROP INDEX "public"."idx_reward_offer_organization_organization"`);
    await queryRunner.query(`DROP TABLE "reward_offer_organization"`);
    await queryRunner.query(`DROP INDEX "public"."idx_reward_offer_subject_subject"`);
    await queryRunner.query(`DROP TABLE "reward_offer_subject"`);
    await queryRunner.query(`DROP INDEX "public"."idx_reward_offer_status"`);
    await queryRunner.query(`DROP TABLE "reward_offer"`);
  }
}
