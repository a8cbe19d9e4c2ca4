import { Entity, PrimaryColumn } from 'typeorm';

/**
 * The sequencer's queue: a row trigger adds every new audit record's seq in the writer's own
 * transaction (so only committed records appear); the sequencer removes them as it seals.
 */
@Entity({ name: 'audit_unsealed' })
export class AuditUnsealedEntity {
  @PrimaryColumn({ type: 'bigint' })
  seq!: string;
}
