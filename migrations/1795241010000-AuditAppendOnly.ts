import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The audit trail is append-only in the database itself. audit_event, audit_seal and audit_checkpoint:
 * row triggers refuse UPDATE and DELETE, statement triggers refuse TRUNCATE. A statement trigger queues
 * every new audit record for the sequencer (audit_unsealed) in the writer's own transaction.
 */
export class AuditAppendOnly1795241010000 implements MigrationInterface {
  name = 'AuditAppendOnly1795241010000';

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
    await queryRunner.query(`
      CREATE FUNCTION audit_queue_for_sealing() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO audit_unsealed (seq) SELECT seq FROM inserted;
        RETURN NULL;
      END $$`);
    await queryRunner.query(
      `CREATE TRIGGER audit_event_queue AFTER INSERT ON audit_event REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION audit_queue_for_sealing()`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TRIGGER audit_event_queue ON audit_event');
    await queryRunner.query('DROP FUNCTION audit_queue_for_sealing()');
    for (const table of ['audit_checkpoint', 'audit_seal', 'audit_event']) {
      await queryRunner.query(`DROP TRIGGER ${table}_no_truncate ON ${table}`);
      await queryRunner.query(`DROP TRIGGER ${table}_no_update_delete ON ${table}`);
    }
    await queryRunner.query('DROP FUNCTION audit_refuse_change()');
  }
}
