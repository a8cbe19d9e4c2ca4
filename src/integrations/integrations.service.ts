import { Inject, Injectable } from '@nestjs/common';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { AuditTrail } from '../audit/audit-trail.service';
import { Page, paginate } from '../common/pagination/keyset';
import { Principal, RequestContext } from '../access/request-context';
import { AppConfig } from '../config/app-config';
import { newId } from '../database/ids';
import { CreateIntegrationDto, IntegrationListQueryDto, IntegrationResponseDto, IntegrationWithKeyResponseDto, toIntegrationResponse } from './dto/integration.dto';
import './integrations.audit';
import { IntegrationNotFoundError, IntegrationRevokedError } from './integrations.errors';
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

/** Verified keys kept at most (a burst of distinct keys beyond it empties the cache). */
const KEY_CACHE_MAX = 10_000;

/**
 * Tip-intake integrations and their API keys (shown once; kept as prefix + SHA-256). A verified key is trusted for
 * API_KEY_CACHE_SECONDS without asking the database again (intake runs at a thousand tips a second): this
 * replica forgets it at once when it revokes or rotates the integration; other replicas within that time.
 */
@Injectable()
export class IntegrationsService {
  /** SHA-256 of a verified key → its principal and until when it is trusted. */
  private readonly verified = new Map<string, { principal: Principal; until: number }>();

  constructor(
    private readonly integrations: IntegrationsRepository,
    private readonly audit: AuditTrail,
    @Inject(AppConfig) private readonly config: AppConfig,
  ) {}

  async create(ctx: RequestContext, dto: CreateIntegrationDto): Promise<IntegrationWithKeyResponseDto> {
    const { prefix, key, hash } = newKey();
    const id = newId();
    return this.audit.transaction(ctx, { action: 'integration.create', resourceType: 'integration', resourceId: id }, async (tx, change) => {
      change.set({ before: null, after: { name: dto.name, keyPrefix: prefix } });
      const created = await this.integrations.insert(tx, { id, name: dto.name, keyPrefix: prefix, keyHash: hash, createdBy: ctx.principal?.id ?? null });
      return { ...toIntegrationResponse(created), apiKey: key };
    });
  }

  async list(query: IntegrationListQueryDto): Promise<Page<IntegrationResponseDto>> {
    return paginate(query, ['string'], (after, take) => this.integrations.list(after?.[0] as string | undefined, take), (i) => [i.id], toIntegrationResponse);
  }

  async get(id: string): Promise<IntegrationResponseDto> {
    const found = await this.integrations.findById(id);
    if (!found) throw new IntegrationNotFoundError(id);
    return toIntegrationResponse(found);
  }

  /** A new key; the old one stops working at once. */
  async rotate(ctx: RequestContext, id: string): Promise<IntegrationWithKeyResponseDto> {
    const { prefix, key, hash } = newKey();
    this.forget(id);
    try {
      return await this.audit.transaction(ctx, { action: 'integration.rotate', resourceType: 'integration', resourceId: id }, async (tx, change) => {
        const found = await this.integrations.lock(tx, id);
        if (!found) throw new IntegrationNotFoundError(id);
        if (found.revokedAt) throw new IntegrationRevokedError();
        change.set({ before: { keyPrefix: found.keyPrefix }, after: { keyPrefix: prefix } });
        return { ...toIntegrationResponse(await this.integrations.replaceKey(tx, id, prefix, hash)), apiKey: key };
      });
    } finally {
      this.forget(id);
    }
  }

  async revoke(ctx: RequestContext, id: string): Promise<IntegrationResponseDto> {
    this.forget(id);
    try {
      return await this.audit.transaction(ctx, { action: 'integration.revoke', resourceType: 'integration', resourceId: id }, async (tx, change) => {
        const found = await this.integrations.lock(tx, id);
        if (!found) throw new IntegrationNotFoundError(id);
        change.set({ before: { revokedAt: found.revokedAt }, after: { revokedAt: found.revokedAt ?? new Date() } });
        return toIntegrationResponse(await this.integrations.revoke(tx, id));
      });
    } finally {
      this.forget(id);
    }
  }

  /** X-API-Key → the integration, found by its prefix and compared in constant time; undefined if not valid. */
  async authenticate(apiKey: string): Promise<Principal | undefined> {
    const match = KEY_FORMAT.exec(apiKey);
    if (!match) return undefined;
    const digest = sha256(apiKey);
    const cached = this.verified.get(digest);
    if (cached && cached.until > Date.now()) return cached.principal;
    const found = await this.integrations.findActiveByPrefix(match[1]);
    if (!found) return undefined;
    const a = Buffer.from(digest, 'hex');
    const b = Buffer.from(found.keyHash, 'hex');
    if (a.length !== b.length || !timingSafeEqual(a, b)) return undefined;
    // At most one write a minute per integration, not one per request (the same rule as sessions).
    if (!found.lastUsedAt || Date.now() - found.lastUsedAt.getTime() > 60_000) await this.integrations.touch(found.id);
    const principal: Principal = { kind: 'integration', id: found.id, roles: [], name: found.name };
    if (this.config.apiKeyCacheSeconds > 0) {
      if (this.verified.size >= KEY_CACHE_MAX) this.verified.clear();
      this.verified.set(digest, { principal, until: Date.now() + this.config.apiKeyCacheSeconds * 1000 });
    }
    return principal;
  }

  /** Forgets the verified keys of an integration (before its key changes, and again after: a request in between may have put it back). */
  private forget(id: string): void {
    for (const [digest, entry] of this.verified) if (entry.principal.id === id) this.verified.delete(digest);
  }
}
