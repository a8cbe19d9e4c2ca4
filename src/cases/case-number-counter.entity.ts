import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * The last case number given out per calendar year (UTC). Creating a case increments its year's row in the
 * creating transaction (`INSERT … ON CONFLICT DO UPDATE … RETURNING`): concurrent creates queue on the row
 * lock, and a rolled-back create gives its number back, so numbers are unique and gap-free.
 */
@Entity({ name: 'case_number_counter' })
export class CaseNumberCounterEntity {
  @PrimaryColumn({ type: 'smallint' })
  year!: number;

  @Column({ type: 'int' })
  lastSeq!: number;
}
