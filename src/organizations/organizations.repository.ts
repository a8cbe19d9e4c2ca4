import { Injectable } from '@nestjs/common';
import { Database, Tx } from '../database/database';
import type { OrganizationAlias, OrganizationKind, OrganizationWebsite, SanctionsDesignation } from './organization.entity';

export interface OrganizationRecord {
  id: string;
  name: string;
  aliases: OrganizationAlias[];
  country: string | null;
  kind: OrganizationKind;
  sanctions: SanctionsDesignation[];
  websites: OrganizationWebsite[];
  description: string | null;
  createdAt: Date;
  updatedAt: Date;
  version: number;
}

export interface OrganizationFields {
  name: string;
  aliases: OrganizationAlias[];
  country: string | null;
  kind: OrganizationKind;
  sanctions: SanctionsDesignation[];
  websites: OrganizationWebsite[];
  description: string | null;
}

export interface OrganizationNameMatch {
  id: string;
  label: string;
  kind: OrganizationKind;
  matchedName: string;
  matchedKind: 'name' | 'alias';
  score: number;
}

const RECORD = `id, name, aliases, country, kind, sanctions, websites, description, created_at AS "createdAt", updated_at AS "updatedAt", version`;

const COLUMNS: Record<keyof OrganizationFields, { column: string; json?: true }> = {
  name: { column: 'name' },
  aliases: { column: 'aliases', json: true },
  country: { column: 'country' },
  kind: { column: 'kind' },
  sanctions: { column: 'sanctions', json: true },
  websites: { column: 'websites', json: true },
  description: { column: 'description' },
};
const FIELD_ORDER = Object.keys(COLUMNS) as (keyof OrganizationFields)[];
const cast = (k: keyof OrganizationFields): string => (COLUMNS[k].json ? '::jsonb' : '');
const param = (k: keyof OrganizationFields, value: unknown): unknown => (COLUMNS[k].json ? JSON.stringify(value) : value);

/** Fuzzy name search over organization_name: $1 the term, $2 how many. */
/** Several terms at once, like SUBJECT_NAMES_MENTIONED_SQL: $1 text[] the terms, $2 the least word similarity. */
export const ORGANIZATION_NAMES_MENTIONED_SQL = `SELECT DISTINCT ON (p.term, n.organization_id) p.term, n.organization_id AS id, n.name AS "matchedName", n.kind AS "matchedKind",
                round(word_similarity(casefile_name_key(p.term), casefile_name_key(n.name))::numeric, 3)::float8 AS score
           FROM unnest($1::text[]) AS p(term)
           JOIN organization_name n ON casefile_name_key(p.term) <% casefile_name_key(n.name)
          WHERE word_similarity(casefile_name_key(p.term), casefile_name_key(n.name)) >= $2
          ORDER BY p.term, n.organization_id, score DESC, n.ord`;

export const ORGANIZATION_NAME_SEARCH_SQL = `WITH hits AS MATERIALIZED (
                SELECT n.organization_id, n.ord, n.name, n.kind, casefile_name_key(n.name) AS key
                  FROM organization_name n
                 WHERE casefile_name_key($1) <% casefile_name_key(n.name)),
              best AS (
                SELECT DISTINCT ON (h.organization_id) h.organization_id, h.name, h.kind, word_similarity(casefile_name_key($1), h.key) AS score, similarity(casefile_name_key($1), h.key) AS whole
                  FROM hits h
                 ORDER BY h.organization_id, score DESC, whole DESC, h.ord),
              top AS (SELECT * FROM best ORDER BY score DESC, whole DESC, organization_id LIMIT $2)
             SELECT o.id, o.name AS label, o.kind, top.name AS "matchedName", top.kind AS "matchedKind", round(top.score::numeric, 3)::float8 AS score
               FROM top JOIN organization o ON o.id = top.organization_id
              ORDER BY top.score DESC, top.whole DESC, o.id`;

/** Labels by id ($1 uuid[]): for graph nodes. */
export const ORGANIZATION_SUMMARIES_SQL = `SELECT id, name AS label, kind FROM organization WHERE id = ANY($1::uuid[])`;

/** The only way to the organization and organization_name tables. */
@Injectable()
export class OrganizationsRepository {
  constructor(private readonly database: Database) {}

  async insert(tx: Tx, id: string, fields: OrganizationFields, createdBy: string | null): Promise<OrganizationRecord> {
    const [row] = await this.database.write<OrganizationRecord>(tx, {
      name: 'organizations-insert',
      text: `INSERT INTO organization (id, created_by, ${FIELD_ORDER.map((k) => COLUMNS[k].column).join(', ')})
             VALUES ($1, $2, ${FIELD_ORDER.map((k, i) => `$${i + 3}${cast(k)}`).join(', ')}) RETURNING ${RECORD}`,
      values: [id, createdBy, ...FIELD_ORDER.map((k) => param(k, fields[k]))],
    });
    return row;
  }

  async findById(id: string): Promise<OrganizationRecord | undefined> {
    const [row] = await this.database.query<OrganizationRecord>({ name: 'organizations-by-id', text: `SELECT ${RECORD} FROM organization WHERE id = $1`, values: [id] });
    return row;
  }

  async lock(tx: Tx, id: string): Promise<OrganizationRecord | undefined> {
    const [row] = await this.database.query<OrganizationRecord>({ name: 'organizations-lock', text: `SELECT ${RECORD} FROM organization WHERE id = $1 FOR UPDATE`, values: [id] }, tx);
    return row;
  }

  async update(tx: Tx, id: string, patch: Partial<OrganizationFields>): Promise<OrganizationRecord> {
    const keys = FIELD_ORDER.filter((k) => patch[k] !== undefined);
    const sets = keys.map((k, i) => `${COLUMNS[k].column} = $${i + 2}${cast(k)}`);
    const [row] = await this.database.write<OrganizationRecord>(tx, {
      name: `organizations-update:${keys.join(',')}`,
      text: `UPDATE organization SET ${[...sets, 'version = version + 1', 'updated_at = now()'].join(', ')} WHERE id = $1 RETURNING ${RECORD}`,
      values: [id, ...keys.map((k) => param(k, patch[k]))],
    });
    return row;
  }

  async list(filters: { kind?: OrganizationKind; country?: string }, afterId: string | undefined, limit: number): Promise<OrganizationRecord[]> {
    return this.database.query<OrganizationRecord>({
      name: 'organizations-list',
      text: `SELECT ${RECORD} FROM organization
              WHERE ($1::uuid IS NULL OR id > $1::uuid) AND ($2::text IS NULL OR kind = $2) AND ($3::text IS NULL OR country = $3)
              ORDER BY id LIMIT $4`,
      values: [afterId ?? null, filters.kind ?? null, filters.country ?? null, limit],
    });
  }

  async summaries(ids: readonly string[], tx?: Tx): Promise<{ id: string; label: string; kind: OrganizationKind }[]> {
    if (ids.length === 0) return [];
    return this.database.query({ name: 'organizations-summaries', text: ORGANIZATION_SUMMARIES_SQL, values: [ids] }, tx);
  }

  /** Organizations with a name or alias close to `term` (see SubjectsRepository.searchNames). */
  async searchNames(term: string, limit: number): Promise<OrganizationNameMatch[]> {
    return this.database.query<OrganizationNameMatch>({
      name: 'organizations-search-names',
      text: ORGANIZATION_NAME_SEARCH_SQL,
      values: [term, limit],
    });
  }

  /** For each term, the organizations named by it (word similarity ≥ minScore). */
  async namesMentioned(terms: readonly string[], minScore: number, tx?: Tx): Promise<{ term: string; id: string; matchedName: string; matchedKind: 'name' | 'alias'; score: number }[]> {
    if (terms.length === 0) return [];
    // The index prunes by pg_trgm.word_similarity_threshold (0.6 by default): at minScore it reads far fewer rows.
    return this.database.queryWith({ 'pg_trgm.word_similarity_threshold': String(minScore) }, { name: 'organizations-names-mentioned', text: ORGANIZATION_NAMES_MENTIONED_SQL, values: [terms, minScore] }, tx);
  }
}
