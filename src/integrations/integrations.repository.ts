import { Injectable } from '@nestjs/common';
import { Database, Tx } from '../database/database';

/** An integration as its admins see it (the key's hash is read only to authenticate). */
export interface IntegrationRecord {
  id: string;
  name: string;
  keyPrefix: string;
  createdAt: Date;
  rotatedAt: Date | null;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
  version: number;
}

const RECORD = `id, name, key_prefix AS "keyPrefix", created_at AS "createdAt", rotated_at AS "rotatedAt", revoked_at AS "revokedAt",
  last_used_at AS "lastUsedAt", version`;

/** The only way to the integration table. */
@Injectable()
export class IntegrationsRepository {
  constructor(private readonly database: Database) {}

  async insert(tx: Tx, integration: { id: string; name: string; keyPrefix: string; keyHash: string; createdBy: string | null }): Promise<IntegrationRecord> {
    const [row] = await this.database.write<IntegrationRecord>(tx, {
      name: 'integrations-insert',
      text: `INSERT INTO integration (id, name, key_prefix, key_hash, created_by) VALUES ($1, $2, $3, $4, $5) RETURNING ${RECORD}`,
      values: [integration.id, integration.name, integration.keyPrefix, integration.keyHash, integration.createdBy],
    });
    return row;
  }

  /** The active integration with this key prefix, with its key hash, for authentication. */
  async findActiveByPrefix(prefix: string): Promise<(IntegrationRecord & { keyHash: string }) | undefined> {
    const [row] = await this.database.query<IntegrationRecord & { keyHash: string }>({
      name: 'integrations-by-prefix',
      text: `SELECT ${RECORD}, key_hash AS "keyHash" FROM integration WHERE key_prefix = $1 AND revoked_at IS NULL`,
      values: [prefix],
    });
    return row;
  }

  async findById(id: string): Promise<IntegrationRecord | undefined> {
    const [row] = await this.database.query<IntegrationRecord>({ name: 'integrations-by-id', text: `SELECT ${RECORD} FROM integration WHERE id = $1`, values: [id] });
    return row;
  }

  async lock(tx: Tx, id: string): Promise<IntegrationRecord | undefined> {
    const [row] = await this.database.query<IntegrationRecord>({ name: 'integrations-lock', text: `SELECT ${RECORD} FROM integration WHERE id = $1 FOR UPDATE`, values: [id] }, tx);
    return row;
  }

  async list(afterId: string | undefined, limit: number): Promise<IntegrationRecord[]> {
    return this.database.query<IntegrationRecord>({
      name: 'integrations-list',
      text: `SELECT ${RECORD} FROM integration WHERE ($1::uuid IS NULL OR id > $1::uuid) ORDER BY id LIMIT $2`,
      values: [afterId ?? null, limit],
    });
  }

  async replaceKey(tx: Tx, id: string, keyPrefix: string, keyHash: string): Promise<IntegrationRecord> {
    const [row] = await this.database.write<IntegrationRecord>(tx, {
      name: 'integrations-replace-key',
      text: `UPDATE integration SET key_prefix = $2, key_hash = $3, rotated_at = now(), version = version + 1 WHERE id = $1 RETURNING ${RECORD}`,
      values: [id, keyPrefix, keyHash],
    });
    return row;
  }

  async revoke(tx: Tx, id: string): Promise<IntegrationRecord> {
    const [row] = await this.database.write<IntegrationRecord>(tx, {
      name: 'integrations-revoke',
      text: `UPDATE integration SET revoked_at = coalesce(revoked_at, now()), version = version + 1 WHERE id = $1 RETURNING ${RECORD}`,
      values: [id],
    });
    return row;
  }

  /** At most one write a minute per integration, not one per request. */
  async touch(id: string): Promise<void> {
    await this.database.query({
      name: 'integrations-touch',
      text: `UPDATE integration SET last_used_at = now() WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - interval '60 seconds')`,
      values: [id],
    });
  }
}
