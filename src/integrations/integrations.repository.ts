import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { IntegrationEntity } from './integration.entity';

/** The only way to the integration table. */
@Injectable()
export class IntegrationsRepository {
  constructor(private readonly dataSource: DataSource) {}

  private repo(manager?: EntityManager) {
    return (manager ?? this.dataSource.manager).getRepository(IntegrationEntity);
  }

  findActiveByPrefix(prefix: string): Promise<IntegrationEntity | null> {
    return this.repo()
      .createQueryBuilder('i')
      .where('i.key_prefix = :prefix', { prefix })
      .andWhere('i.revoked_at IS NULL')
      .getOne();
  }

  findById(id: string): Promise<IntegrationEntity | null> {
    return this.repo().findOne({ where: { id } });
  }

  findByIdForUpdate(manager: EntityManager, id: string): Promise<IntegrationEntity | null> {
    return this.repo(manager).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  async list(afterId: string | undefined, limit: number): Promise<IntegrationEntity[]> {
    const qb = this.repo().createQueryBuilder('i').orderBy('i.id', 'ASC').limit(limit);
    if (afterId) qb.where('i.id > :after', { after: afterId });
    return qb.getMany();
  }

  save(manager: EntityManager, integration: IntegrationEntity): Promise<IntegrationEntity> {
    return this.repo(manager).save(integration);
  }

  async touch(id: string): Promise<void> {
    await this.dataSource.query(`UPDATE integration SET last_used_at = now() WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - interval '60 seconds')`, [id]);
  }
}
