import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The audit trail is append-only in the database itself: row triggers refuse UPDATE and DELETE (except the
 * sequencer's one-time seal of the empty chain columns, content unchanged), statement triggers refuse
 * TRUNCATE; checkpoints may never change at all.
 */
export class AuditAppendOnly1795240060000 implements MigrationInterface {
  name = 'AuditAppendOnly1795240060000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'UPDATE'
           AND OLD.chain_position IS NULL AND OLD.hash IS NULL AND OLD.prev_hash IS NULL AND OLD.sealed_at IS NULL
           AND NEW.chain_position IS NOT NULL AND NEW.hash IS NOT NULL AND NEW.prev_hash IS NOT NULL
           AND (NEW.seq, NEW.occurred_at, NEW.actor_kind, NEW.actor_id, NEW.actor_roles, NEW.action, NEW.resource_type,
                NEW.resource_id, NEW.case_id, NEW.outcome, NEW.request_id, NEW.source_ip, NEW.user_agent, NEW.changes, NEW.details)
               IS NOT DISTINCT FROM
               (OLD.seq, OLD.occurred_at, OLD.actor_kind, OLD.actor_id, OLD.actor_roles, OLD.action, OLD.resource_type,
                OLD.resource_id, OLD.case_id, OLD.outcome, OLD.request_id, OLD.source_ip, OLD.user_agent, OLD.changes, OLD.details)
        THEN
          RETURN NEW;
        END IF;
        RAISE EXCEPTION 'audit_event is append-only: % is not allowed', TG_OP USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await queryRunner.query(`CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()`);
    await queryRunner.query(`CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()`);
    await queryRunner.query(`
      CREATE FUNCTION audit_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION '% is append-only: % is not allowed', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await queryRunner.query(`CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change()`);
    await queryRunner.query(`CREATE TRIGGER audit_checkpoint_no_change BEFORE UPDATE OR DELETE ON audit_checkpoint FOR EACH ROW EXECUTE FUNCTION audit_refuse_change()`);
    await queryRunner.query(`CREATE TRIGGER audit_checkpoint_no_truncate BEFORE TRUNCATE ON audit_checkpoint FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change()`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TRIGGER audit_checkpoint_no_truncate ON audit_checkpoint');
    await queryRunner.query('DROP TRIGGER audit_checkpoint_no_change ON audit_checkpoint');
    await queryRunner.query('DROP TRIGGER audit_event_no_truncate ON audit_event');
    await queryRunner.query('DROP FUNCTION audit_refuse_change()');
    await queryRunner.query('DROP TRIGGER audit_event_no_delete ON audit_event');
    await queryRunner.query('DROP TRIGGER audit_event_no_update ON audit_event');
    await queryRunner.query('DROP FUNCTION audit_event_append_only()');
  }
}
