import { Inject, Injectable } from '@nestjs/common';
import { RequestContext } from '../access/request-context';
import { AuditTrail } from '../audit/audit-trail.service';
import { Page, paginate } from '../common/pagination/keyset';
import { AppConfig } from '../config/app-config';
import type { Tx } from '../database/database';
import { newId } from '../database/ids';
import { CreateSelectorDto, SelectorListQueryDto, SelectorResponseDto, toSelectorResponse } from './dto/selector.dto';
import { interpretSelector, normalizeSelector, SelectorKind } from './selector-normalizers';
import './selectors.audit';
import { InvalidSelectorError, SelectorExistsError, SelectorNotFoundError } from './selectors.errors';
import { SelectorRecord, SelectorsRepository } from './selectors.repository';

export type { SelectorRecord } from './selectors.repository';

/** Which optional field qualifies which kind. */
const QUALIFIER_FIELD: Partial<Record<SelectorKind, 'platform' | 'chain' | 'country'>> = { username: 'platform', crypto_wallet: 'chain', identity_document: 'country' };

/** Identifiers (e-mails, phones, wallets…) in the shared registry, one per (kind, normalised value). */
@Injectable()
export class SelectorsService {
  constructor(
    private readonly selectors: SelectorsRepository,
    private readonly audit: AuditTrail,
    @Inject(AppConfig) private readonly config: AppConfig,
  ) {}

  /** The canonical form of a value of `kind`, or a 400 naming `field`. */
  normalize(kind: SelectorKind, value: string, qualifiers: { platform?: string; chain?: string; country?: string }, field = 'value'): { normalizedValue: string; qualifier: string | null } {
    for (const name of ['platform', 'chain', 'country'] as const) {
      if (qualifiers[name] !== undefined && QUALIFIER_FIELD[kind] !== name) throw new InvalidSelectorError(name, kind, `takes no ${name}`);
    }
    const field_ = QUALIFIER_FIELD[kind];
    const result = normalizeSelector(kind, value, { defaultPhoneRegion: this.config.defaultPhoneRegion, qualifier: field_ ? qualifiers[field_] : undefined });
    if (!result.ok) throw new InvalidSelectorError(field, kind, result.reason);
    return { normalizedValue: result.normalizedValue, qualifier: result.qualifier };
  }

  async create(ctx: RequestContext, dto: CreateSelectorDto): Promise<SelectorResponseDto> {
    const { normalizedValue, qualifier } = this.normalize(dto.kind, dto.value, dto);
    const id = newId();
    return this.audit.transaction(ctx, { action: 'selector.create', resourceType: 'selector', resourceId: id }, async (tx, change) => {
      change.set({ before: null, after: { kind: dto.kind, value: dto.value, normalizedValue, qualifier, description: dto.description ?? null } });
      const created = await this.selectors.insertIfNew(tx, { id, kind: dto.kind, value: dto.value, normalizedValue, qualifier, description: dto.description ?? null, createdBy: ctx.principal?.id ?? null });
      if (!created) {
        const [existing] = await this.selectors.findByValues([{ kind: dto.kind, normalizedValue }], tx);
        throw new SelectorExistsError(existing?.id ?? 'unknown', dto.kind, normalizedValue);
      }
      return toSelectorResponse(created);
    });
  }

  async get(id: string): Promise<SelectorResponseDto> {
    const found = await this.selectors.findById(id);
    if (!found) throw new SelectorNotFoundError(id);
    return toSelectorResponse(found);
  }

  /** A page of selectors; with `value`, the selector(s) that value is a spelling of. */
  async list(query: SelectorListQueryDto): Promise<Page<SelectorResponseDto>> {
    if (query.value !== undefined) {
      const pairs = query.kind ? [{ kind: query.kind, ...this.normalize(query.kind, query.value, query) }] : this.interpret(query.value);
      const rows = await this.selectors.findByValues(pairs);
      return { data: rows.map(toSelectorResponse), nextCursor: null };
    }
    return paginate(query, ['string'], (after, take) => this.selectors.list(query.kind, after?.[0] as string | undefined, take), (s) => [s.id], toSelectorResponse);
  }

  /** Every (kind, canonical form) a free value could be: for lookups by any spelling and search. */
  interpret(value: string): { kind: SelectorKind; normalizedValue: string }[] {
    return interpretSelector(value, { defaultPhoneRegion: this.config.defaultPhoneRegion }).map((r) => ({ kind: r.kind, normalizedValue: r.normalizedValue }));
  }

  /** For tip matching: the registry's selectors with these canonical values (already normalised); in `tx` when given. */
  async findByNormalized(pairs: readonly { kind: SelectorKind; normalizedValue: string }[], tx?: Tx): Promise<SelectorRecord[]> {
    return this.selectors.findByValues(pairs, tx);
  }

  /** For search: the registry's selectors that `term` is a spelling of. */
  async findBySpelling(term: string): Promise<SelectorRecord[]> {
    return this.selectors.findByValues(this.interpret(term));
  }

  async summaries(ids: readonly string[]): Promise<{ id: string; label: string; kind: SelectorKind }[]> {
    return this.selectors.summaries(ids);
  }
}
