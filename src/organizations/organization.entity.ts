import { Check, Column, CreateDateColumn, Entity, Index, PrimaryColumn, UpdateDateColumn, VersionColumn } from 'typeorm';

export const ORGANIZATION_KINDS = ['front_company', 'employer', 'facilitator', 'financial_institution', 'other'] as const;
export type OrganizationKind = (typeof ORGANIZATION_KINDS)[number];

export interface OrganizationAlias {
  name: string;
  source: string | null;
}
export interface SanctionsDesignation {
  program: string;
  list: string;
  date: string | null;
}
export interface OrganizationWebsite {
  domain: string;
  status: 'active' | 'seized';
  seizedAt: string | null;
}

/** A company or body in the entity registry. Names are copied by a trigger into organization_name for search. */
@Entity({ name: 'organization' })
@Check('ck_organization_kind', `kind IN ('front_company', 'employer', 'facilitator', 'financial_institution', 'other')`)
@Check('ck_organization_country', `country IS NULL OR country ~ '^[A-Z]{2}$'`)
@Index('idx_organization_kind', ['kind', 'id'])
@Index('idx_organization_country', ['country', 'id'], { where: 'country IS NOT NULL' })
export class OrganizationEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'jsonb', default: () => "'[]'" })
  aliases!: OrganizationAlias[];

  @Column({ type: 'text', nullable: true })
  country!: string | null;

  @Column({ type: 'text' })
  kind!: OrganizationKind;

  @Column({ type: 'jsonb', default: () => "'[]'" })
  sanctions!: SanctionsDesignation[];

  @Column({ type: 'jsonb', default: () => "'[]'" })
  websites!: OrganizationWebsite[];

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
