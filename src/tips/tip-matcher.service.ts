import { Injectable } from '@nestjs/common';
import type { Tx } from '../database/database';
import { LinksService } from '../links/links.service';
import { OrganizationsService } from '../organizations/organizations.service';
import type { SelectorKind } from '../selectors/selector-normalizers';
import { SelectorsService } from '../selectors/selectors.service';
import { SubjectsService } from '../subjects/subjects.service';
import type { NewCandidate } from './tips.repository';
import type { Extraction } from './tip-extraction';

type SubjectNameMatch = Awaited<ReturnType<SubjectsService['namesMentioned']>>[number];
type OrganizationNameMatch = Awaited<ReturnType<OrganizationsService['namesMentioned']>>[number];

/** A name phrase matches a subject or organization name at this word similarity or more. */
export const NAME_MATCH_THRESHOLD = 0.8;

/**
 * A name phrase makes at most this many new candidates of each type (subjects, organizations): its best matches,
 * by score, then a full name before an alias. Trigram word similarity ignores word order, so a transliterated
 * Korean name ("Song Hwa Jong") resembles every arrangement of its syllables in a large registry; staff get the
 * closest few rather than dozens. An entity its identifiers already made a candidate gets the name's reason too,
 * whatever the cap.
 */
export const NAME_CANDIDATES_PER_PHRASE = 5;

const KIND_WORDS: Record<SelectorKind, string> = {
  email: 'e-mail',
  phone: 'phone',
  domain: 'domain',
  url: 'URL',
  username: 'username',
  crypto_wallet: 'wallet',
  bank_account: 'bank account',
  ip_address: 'IP address',
  device_serial: 'device serial',
  identity_document: 'identity document',
  stolen_identity: 'stolen identity',
};

/**
 * Matches what narratives name against the registry, through the registry's own services, for a batch of tips
 * at once (one batched statement each for the whole batch, whatever its size: what several tips name is looked up
 * once): identifiers by exact normalised value, then who `uses` or `owns` them and the organizations those people
 * are `employed_by`; name-like phrases by trigram word similarity. Every match becomes a candidate of its tip with
 * its reasons in words and a score (the best of its reasons).
 */
@Injectable()
export class TipMatcher {
  constructor(
    private readonly selectors: SelectorsService,
    private readonly links: LinksService,
    private readonly subjects: SubjectsService,
    private readonly organizations: OrganizationsService,
  ) {}

  /** The candidates of each extraction, in order; the look-ups run in `tx` (the worker's) when given. */
  async matchAll(extractions: readonly Extraction[], tx?: Tx): Promise<NewCandidate[][]> {
    const unique = <T>(items: T[], key: (t: T) => string): T[] => [...new Map(items.map((i) => [key(i), i])).values()];
    const allSelectors = unique(
      extractions.flatMap((e) => e.selectors),
      (s) => `${s.kind}|${s.normalizedValue}`,
    );
    const allPhrases = [...new Set(extractions.flatMap((e) => e.phrases))];
    // Every look-up runs on `tx`, the worker's one connection, one after the other (pg queues a second query on
    // a busy client with a deprecation warning, and pg 9 refuses it). Not beside it on the pool: under an intake
    // burst each pool look-up would wait its turn behind the queued intake requests, and the batch with it.
    const selectors = allSelectors.length ? await this.selectors.findByNormalized(allSelectors, tx) : [];
    const subjectNames = allPhrases.length ? await this.subjects.namesMentioned(allPhrases, NAME_MATCH_THRESHOLD, tx) : [];
    const organizationNames = allPhrases.length ? await this.organizations.namesMentioned(allPhrases, NAME_MATCH_THRESHOLD, tx) : [];
    const holders = selectors.length ? await this.links.holdersOf(selectors.map((s) => s.id), tx) : [];
    const subjectIds = new Set([...subjectNames.map((n) => n.id), ...holders.filter((h) => h.entityType === 'subject').map((h) => h.entityId)]);
    const organizationIds = new Set([...organizationNames.map((n) => n.id), ...holders.filter((h) => h.entityType === 'organization').map((h) => h.entityId)]);
    const subjectLabels = subjectIds.size ? await this.subjects.summaries([...subjectIds], tx) : [];
    const organizationLabels = organizationIds.size ? await this.organizations.summaries([...organizationIds], tx) : [];
    const label = new Map<string, string>([...subjectLabels.map((s) => [s.id, s.label] as const), ...organizationLabels.map((o) => [o.id, o.label] as const)]);
    const selectorById = new Map(selectors.map((s) => [s.id, s]));
    const selectorByValue = new Map(selectors.map((s) => [`${s.kind}|${s.normalizedValue}`, s]));
    const spell = (selectorId: string): string => {
      const s = selectorById.get(selectorId);
      return s ? `${KIND_WORDS[s.kind]} ${s.normalizedValue}` : 'an identifier';
    };

    // Name matches closest first, once for the batch: each tip keeps the first NAME_CANDIDATES_PER_PHRASE of a phrase.
    const named = [
      { type: 'subject' as const, names: [...subjectNames].sort(closestFirst), unknown: 'a subject' },
      { type: 'organization' as const, names: [...organizationNames].sort(closestFirst), unknown: 'an organization' },
    ];

    return extractions.map((extraction) => {
      const found = new Map<string, NewCandidate>();
      const add = (entityType: NewCandidate['entityType'], entityId: string, score: number, reason: string): void => {
        const key = `${entityType}:${entityId}`;
        const current = found.get(key) ?? { entityType, entityId, score: 0, reasons: [] };
        current.score = Math.max(current.score, Math.round(score * 1000) / 1000);
        if (!current.reasons.includes(reason) && current.reasons.length < 10) current.reasons.push(reason);
        found.set(key, current);
      };
      const mine = extraction.selectors.map((e) => selectorByValue.get(`${e.kind}|${e.normalizedValue}`)).filter((s) => s !== undefined);
      const mineIds = new Set(mine.map((s) => s.id));
      const phrases = new Set(extraction.phrases);
      for (const s of mine) add('selector', s.id, 1, `${KIND_WORDS[s.kind]} ${s.normalizedValue} is in the registry`);
      for (const h of holders) {
        if (!mineIds.has(h.selectorId) || !label.has(h.entityId)) continue;
        const verb = h.kind === 'owns' ? 'is owned by' : 'is used by';
        if (h.via === null) add(h.entityType, h.entityId, 0.95 * h.confidence, `${spell(h.selectorId)} ${verb} ${label.get(h.entityId)}`);
        else
          add(
            h.entityType,
            h.entityId,
            0.8 * h.confidence,
            `${spell(h.selectorId)} is used by ${label.get(h.via) ?? 'a subject'}, employed by ${label.get(h.entityId)}`,
          );
      }
      for (const { type, names, unknown } of named) {
        const made = new Map<string, number>();
        for (const n of names.filter((n) => phrases.has(n.term))) {
          if (!found.has(`${type}:${n.id}`)) {
            const count = made.get(n.term) ?? 0;
            if (count >= NAME_CANDIDATES_PER_PHRASE) continue;
            made.set(n.term, count + 1);
          }
          add(type, n.id, n.score, `the narrative names "${n.term}", like ${n.matchedKind === 'alias' ? 'alias' : 'name'} "${n.matchedName}" of ${label.get(n.id) ?? unknown}`);
        }
      }
      return [...found.values()]
        .sort((a, b) => b.score - a.score || a.entityType.localeCompare(b.entityType) || a.entityId.localeCompare(b.entityId))
        .slice(0, 100);
    });
  }
}

/** Name matches, closest first: by score, a full name before an alias, then by id (stable). */
function closestFirst(a: SubjectNameMatch | OrganizationNameMatch, b: SubjectNameMatch | OrganizationNameMatch): number {
  return b.score - a.score || Number(a.matchedKind === 'alias') - Number(b.matchedKind === 'alias') || a.id.localeCompare(b.id);
}
