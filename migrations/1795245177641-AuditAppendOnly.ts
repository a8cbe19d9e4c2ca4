import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The audit trail is append-only in the database itself. audit_event, audit_seal and audit_checkpoint:
 * row triggers refuse UPDATE and DELETE, statement triggers refuse TRUNCATE. A row trigger queues
 * every new audit record for the sequencer (audit_unsealed) in the writer's own transaction.
 */
export class AuditAppendOnly1795245177641 implements MigrationInterface {
  name = 'AuditAppendOnly1795245177641';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE FUNCTION audit_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION '% is append-only: % is not allowed', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
      END $$`);
    for (const table of ['audit_event', 'audit_seal', 'audit_checkpoint']) {
      await queryRunner.query(`CREATE TRIGGER ${table}_no_update_delete BEFORE UPDATE OR DELETE ON ${table} FOR EACH ROW EXECUTE FUNCTION audit_refuse_change()`);
      await queryRunner.query(`CREATE TRIGGER ${table}_no_truncate BEFORE TRUNCATE ON ${table} FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change()`);
    }
    // A row trigger: for the one-row inserts of ordinary writes it costs far less than a statement trigger
    // with a transition table.
    await queryRunner.query(`
      CREATE FUNCTION audit_queue_for_sealing() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO audit_unsealed (seq) VALUES (NEW.seq);
        RETURN NULL;
      END $$`);
    await queryRunner.query(`CREATE TRIGGER audit_event_queue AFTER INSERT ON audit_event FOR EACH ROW EXECUTE FUNCTION audit_queue_for_sealing()`);
    await queryRunner.query('CREATE INDEX idx_audit_event_occurred_at ON audit_event USING brin (occurred_at)');
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX idx_audit_event_occurred_at');
    await queryRunner.query('DROP TRIGGER audit_event_queue ON audit_event');
    await queryRunner.query('DROP FUNCTION audit_queue_for_sealing()');
    for (const table of ['audit_checkpoint', 'audit_seal', 'audit_event']) {
      await queryRunner.query(`DROP TRIGGER ${table}_no_truncate ON ${table}`);
      await queryRunner.query(`DROP TRIGGER ${table}_no_update_delete ON ${table}`);
    }
    await queryRunner.query('DROP FUNCTION audit_refuse_change()');
  }
}
