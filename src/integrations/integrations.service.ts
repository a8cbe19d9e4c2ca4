import { Injectable } from '@nestjs/common';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { AuditTrail } from '../audit/audit-trail.service';
import { NotFoundError, RuleViolationError } from '../common/errors/domain.error';
import { decodeCursor, Page, toPage } from '../common/pagination/keyset';
import { Principal, RequestContext } from '../access/request-context';
import { newId } from '../database/ids';
import { CreateIntegrationDto, IntegrationListQueryDto, IntegrationResponseDto, IntegrationWithKeyResponseDto } from './dto/integration.dto';
import { IntegrationEntity } from './integration.entity';
import { IntegrationsRepository } from './integrations.repository';

const PREFIX_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
const KEY_FORMAT = /^(cfk_[A-Z2-9]{10})_([A-Za-z0-9_-]{43})$/;

function newKey(): { prefix: string; key: string; hash: string } {
  const bytes = randomBytes(10);
  const prefix = `cfk_${[...bytes].map((b) => PREFIX_ALPHABET[b % PREFIX_ALPHABET.length]).join('')}`;
  const key = `${prefix}_${randomBytes(32).toString('base64url')}`;
  return { prefix, key, hash: sha256(key) };
}

const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');

export function toIntegrationResponse(i: IntegrationEntity): IntegrationResponseDto {
  return {
    id: i.id,
    name: i.name,
    keyPrefix: i.keyPrefix,
    status: i.revokedAt ? 'revoked' : 'active',
    createdAt: i.createdAt.toISOString(),
    rotatedAt: i.rotatedAt?.toISOString() ?? null,
    revokedAt: i.revokedAt?.toISOString() ?? null,
    lastUsedAt: i.lastUsedAt?.toISOString() ?? null,
    version: i.version,
  };
}

/** Tip-intake integrations and their API keys (shown once; kept as prefix + SHA-256). */
@Injectable()
export class IntegrationsService {
  constructor(
    private readonly integrations: IntegrationsRepository,
    private readonly audit: AuditTrail,
  ) {}

  async create(ctx: RequestContext, dto: CreateIntegrationDto): Promise<IntegrationWithKeyResponseDto> {
    const { prefix, key, hash } = newKey();
    return this.audit.transaction(ctx, { action: 'integration.create', resourceType: 'integration' }, async (tx, audit) => {
      const saved = await this.integrations.save(tx, Object.assign(new IntegrationEntity(), { id: newId(), name: dto.name, keyPrefix: prefix, keyHash: hash, createdBy: ctx.principal?.id ?? null }));
      audit.record({ action: 'integration.create', resourceType: 'integration', resourceId: saved.id, before: null, after: { name: saved.name, keyPrefix: saved.keyPrefix } });
      return { ...toIntegrationResponse(saved), apiKey: key };
    });
  }

  async list(query: IntegrationListQueryDto): Promise<Page<IntegrationResponseDto>> {
    const after = decodeCursor(query.cursor, ['string'])?.[0] as string | undefined;
    const rows = await this.integrations.list(after, query.limit + 1);
    return toPage(rows, query.limit, (i) => [i.id], toIntegrationResponse);
  }

  async get(id: string): Promise<IntegrationResponseDto> {
    const found = await this.integrations.findById(id);
    if (!found) throw new NotFoundError('integration', id);
    return toIntegrationResponse(found);
  }

  /** A new key; the old one stops working at once. */
  async rotate(ctx: RequestContext, id: string): Promise<IntegrationWithKeyResponseDto> {
    const { prefix, key, hash } = newKey();
    return this.audit.transaction(ctx, { action: 'integration.rotate', resourceType: 'integration', resourceId: id }, async (tx, audit) => {
      const found = await this.integrations.findByIdForUpdate(tx, id);
      if (!found) throw new NotFoundError('integration', id);
      if (found.revokedAt) throw new RuleViolationError('integration-revoked', 'A revoked integration cannot get a new key: create a new integration');
      const before = { keyPrefix: found.keyPrefix };
      Object.assign(found, { keyPrefix: prefix, keyHash: hash, rotatedAt: new Date() });
      const saved = await this.integrations.save(tx, found);
      audit.record({ action: 'integration.rotate', resourceType: 'integration', resourceId: id, before, after: { keyPrefix: prefix } });
      return { ...toIntegrationResponse(saved), apiKey: key };
    });
  }

  async revoke(ctx: RequestContext, id: string): Promise<IntegrationResponseDto> {
    return this.audit.transaction(ctx, { action: 'integration.revoke', resourceType: 'integration', resourceId: id }, async (tx, audit) => {
      const found = await this.integrations.findByIdForUpdate(tx, id);
      if (!found) throw new NotFoundError('integration', id);
      const before = { revokedAt: found.revokedAt };
      found.revokedAt ??= new Date();
      const saved = await this.integrations.save(tx, found);
      audit.record({ action: 'integration.revoke', resourceType: 'integration', resourceId: id, before, after: { revokedAt: saved.revokedAt } });
      return toIntegrationResponse(saved);
    });
  }

  /** X-API-Key → the integration, found by its prefix and compared in constant time; undefined if not valid. */
  async authenticate(apiKey: string): Promise<Principal | undefined> {
    const match = KEY_FORMAT.exec(apiKey);
    if (!match) return undefined;
    const found = await this.integrations.findActiveByPrefix(match[1]);
    if (!found) return undefined;
    const a = Buffer.from(sha256(apiKey), 'hex');
    const b = Buffer.from(found.keyHash, 'hex');
    if (a.length !== b.length || !timingSafeEqual(a, b)) return undefined;
    // At most one write a minute per integration, not one per request (the same rule as sessions).
    if (!found.lastUsedAt || Date.now() - found.lastUsedAt.getTime() > 60_000) await this.integrations.touch(found.id);
    return { kind: 'integration', id: found.id, roles: [], name: found.name };
  }
}
