import { Check, Column, CreateDateColumn, Entity, Index, PrimaryColumn, UpdateDateColumn, VersionColumn } from 'typeorm';
import type { EntityType, LinkKind } from './link-rules';

/**
 * A typed, dated, sourced edge between two registry entities. Its ends are (type, id) pairs, checked by the
 * service (the entity exists) and by ck_link_endpoints (the types the kind allows, the same table as
 * LINK_ENDPOINTS; a test keeps them equal). Registry entities are never deleted, so an end cannot dangle.
 */
@Entity({ name: 'link' })
@Check(
  'ck_link_kind',
  `kind IN ('employed_by', 'manages', 'associate_of', 'uses', 'owns', 'paid', 'hosted_laptop_for', 'victim_of')`,
)
@Check('ck_link_types', `from_type IN ('subject', 'organization', 'selector') AND to_type IN ('subject', 'organization', 'selector')`)
@Check(
  'ck_link_endpoints',
  `(kind = 'employed_by' AND from_type IN ('subject') AND to_type IN ('organization')) OR (kind = 'manages' AND from_type IN ('subject', 'organization') AND to_type IN ('subject', 'organization')) OR (kind = 'associate_of' AND from_type IN ('subject', 'organization') AND to_type IN ('subject', 'organization')) OR (kind = 'uses' AND from_type IN ('subject', 'organization') AND to_type IN ('selector')) OR (kind = 'owns' AND from_type IN ('subject', 'organization') AND to_type IN ('organization', 'selector')) OR (kind = 'paid' AND from_type IN ('subject', 'organization') AND to_type IN ('subject', 'organization', 'selector')) OR (kind = 'hosted_laptop_for' AND from_type IN ('subject') AND to_type IN ('subject', 'organization')) OR (kind = 'victim_of' AND from_type IN ('subject', 'organization') AND to_type IN ('subject', 'organization'))`,
)
@Check('ck_link_not_self', `from_id <> to_id`)
@Check('ck_link_confidence', `confidence >= 0 AND confidence <= 1`)
@Check('ck_link_valid_range', `valid_to IS NULL OR valid_from IS NULL OR valid_to >= valid_from`)
// The graph walks both ways: by either end, then kind.
@Index('idx_link_from', ['fromId', 'kind'])
@Index('idx_link_to', ['toId', 'kind'])
export class LinkEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ type: 'text' })
  kind!: LinkKind;

  @Column({ type: 'text' })
  fromType!: EntityType;

  @Column({ type: 'uuid' })
  fromId!: string;

  @Column({ type: 'text' })
  toType!: EntityType;

  @Column({ type: 'uuid' })
  toId!: string;

  @Column({ type: 'date', nullable: true })
  validFrom!: string | null;

  @Column({ type: 'date', nullable: true })
  validTo!: string | null;

  @Column({ type: 'real' })
  confidence!: number;

  @Column({ type: 'text' })
  source!: string;

  @Column({ type: 'text', nullable: true })
  description!: string | null;

  @Column({ type: 'uuid', nullable: true })
  createdBy!: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;

  @VersionColumn({ default: 1 })
  version!: number;
}
