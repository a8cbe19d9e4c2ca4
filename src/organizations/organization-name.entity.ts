import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { OrganizationEntity } from './organization.entity';

/** One name of an organization (ord 0: its name; then its aliases), kept by the trigger `organization_names_sync`. */
@Entity({ name: 'organization_name' })
@Check('ck_organization_name_kind', `kind IN ('name', 'alias')`)
// GIN (casefile_name_key(name) gin_trgm_ops), made by the migration.
@Index('idx_organization_name_trgm', { synchronize: false })
export class OrganizationNameEntity {
  @PrimaryColumn({ type: 'uuid' })
  organizationId!: string;

  @PrimaryColumn({ type: 'int' })
  ord!: number;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text' })
  kind!: 'name' | 'alias';

  @ManyToOne(() => OrganizationEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'organization_id', foreignKeyConstraintName: 'fk_organization_name_organization' })
  organization?: OrganizationEntity;
}
