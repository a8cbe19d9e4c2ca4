import { Injectable } from '@nestjs/common';
import { Database, Tx } from '../database/database';
import type { DatePrecision, SubjectAlias, SubjectCharge, SubjectIndictment, SubjectStatus } from './subject.entity';

/** A subject as the API shows it. */
export interface SubjectRecord {
  id: string;
  fullName: string;
  aliases: SubjectAlias[];
  nationality: string | null;
  dobDate: string | null;
  dobPrecision: DatePrecision | null;
  status: SubjectStatus;
  charges: SubjectCharge[];
  indictment: SubjectIndictment | null;
  description: string | null;
  createdAt: Date;
  updatedAt: Date;
  version: number;
}

/** The columns a create or a change sets. */
export interface SubjectFields {
  fullName: string;
  aliases: SubjectAlias[];
  nationality: string | null;
  dobDate: string | null;
  dobPrecision: DatePrecision | null;
  status: SubjectStatus;
  charges: SubjectCharge[];
  indictment: SubjectIndictment | null;
  description: string | null;
}

export interface SubjectFilters {
  status?: SubjectStatus;
  nationality?: string;
  statute?: string;
}

/** One name of a subject close to a search term, with its scores. */
export interface SubjectNameMatch {
  id: string;
  label: string;
  status: SubjectStatus;
  matchedName: string;
  matchedKind: 'full_name' | 'alias';
  score: number;
}

const RECORD = `id, full_name AS "fullName", aliases, nationality, to_char(dob_date, 'YYYY-MM-DD') AS "dobDate", dob_precision AS "dobPrecision", status,
  charges, indictment, description, created_at AS "createdAt", updated_at AS "updatedAt", version`;

const COLUMNS: Record<keyof SubjectFields, { column: string; cast?: string; json?: true }> = {
  fullName: { column: 'full_name' },
  aliases: { column: 'aliases', cast: '::jsonb', json: true },
  nationality: { column: 'nationality' },
  dobDate: { column: 'dob_date', cast: '::date' },
  dobPrecision: { column: 'dob_precision' },
  status: { column: 'status' },
  charges: { column: 'charges', cast: '::jsonb', json: true },
  indictment: { column: 'indictment', cast: '::jsonb', json: true },
  description: { column: 'description' },
};
const FIELD_ORDER = Object.keys(COLUMNS) as (keyof SubjectFields)[];

const param = (key: keyof SubjectFields, value: unknown): unknown => (COLUMNS[key].json && value !== null ? JSON.stringify(value) : value);

/** Fuzzy name search over subject_name (the GIN trigram expression index on casefile_name_key(name); the key computed once per candidate): $1 the term, $2 how many. */
export const SUBJECT_NAME_SEARCH_SQL = `WITH hits AS MATERIALIZED (
                SELECT n.subject_id, n.ord, n.name, n.kind, casefile_name_key(n.name) AS key
                  FROM subject_name n
                 WHERE casefile_name_key($1) <% casefile_name_key(n.name)),
              best AS (
                SELECT DISTINCT ON (h.subject_id) h.subject_id, h.name, h.kind, word_similarity(casefile_name_key($1), h.key) AS score, similarity(casefile_name_key($1), h.key) AS whole
                  FROM hits h
                 ORDER BY h.subject_id, score DESC, whole DESC, h.ord),
              top AS (SELECT * FROM best ORDER BY score DESC, whole DESC, subject_id LIMIT $2)
             SELECT s.id, s.full_name AS label, s.status, top.name AS "matchedName", top.kind AS "matchedKind", round(top.score::numeric, 3)::float8 AS score
               FROM top JOIN subject s ON s.id = top.subject_id
              ORDER BY top.score DESC, top.whole DESC, s.id`;

/**
 * Several terms at once (tip matching: the name-like phrases of a narrative), $1 text[] the terms, $2 the least
 * word similarity: for each term, the subjects one of whose names holds it, with the best name. One statement,
 * one index probe per term.
 */
export const SUBJECT_NAMES_MENTIONED_SQL = `SELECT DISTINCT ON (p.term, n.subject_id) p.term, n.subject_id AS id, n.name AS "matchedName", n.kind AS "matchedKind",
                round(word_similarity(casefile_name_key(p.term), casefile_name_key(n.name))::numeric, 3)::float8 AS score
           FROM unnest($1::text[]) AS p(term)
           JOIN subject_name n ON casefile_name_key(p.term) <% casefile_name_key(n.name)
          WHERE word_similarity(casefile_name_key(p.term), casefile_name_key(n.name)) >= $2
          ORDER BY p.term, n.subject_id, score DESC, n.ord`;

/** Labels by id ($1 uuid[]): for graph nodes. */
export const SUBJECT_SUMMARIES_SQL = `SELECT id, full_name AS label, status FROM subject WHERE id = ANY($1::uuid[])`;

/** The only way to the subject and subject_name tables. */
@Injectable()
export class SubjectsRepository {
  constructor(private readonly database: Database) {}

  async insert(tx: Tx, id: string, fields: SubjectFields, createdBy: string | null): Promise<SubjectRecord> {
    const [row] = await this.database.write<SubjectRecord>(tx, {
      name: 'subjects-insert',
      text: `INSERT INTO subject (id, created_by, ${FIELD_ORDER.map((k) => COLUMNS[k].column).join(', ')})
             VALUES ($1, $2, ${FIELD_ORDER.map((k, i) => `$${i + 3}${COLUMNS[k].cast ?? ''}`).join(', ')}) RETURNING ${RECORD}`,
      values: [id, createdBy, ...FIELD_ORDER.map((k) => param(k, fields[k]))],
    });
    return row;
  }

  async findById(id: string): Promise<SubjectRecord | undefined> {
    const [row] = await this.database.query<SubjectRecord>({ name: 'subjects-by-id', text: `SELECT ${RECORD} FROM subject WHERE id = $1`, values: [id] });
    return row;
  }

  async lock(tx: Tx, id: string): Promise<SubjectRecord | undefined> {
    const [row] = await this.database.query<SubjectRecord>({ name: 'subjects-lock', text: `SELECT ${RECORD} FROM subject WHERE id = $1 FOR UPDATE`, values: [id] }, tx);
    return row;
  }

  /** Sets the fields given and bumps the version. */
  async update(tx: Tx, id: string, patch: Partial<SubjectFields>): Promise<SubjectRecord> {
    const keys = FIELD_ORDER.filter((k) => patch[k] !== undefined);
    const sets = keys.map((k, i) => `${COLUMNS[k].column} = $${i + 2}${COLUMNS[k].cast ?? ''}`);
    const [row] = await this.database.write<SubjectRecord>(tx, {
      name: `subjects-update:${keys.join(',')}`,
      text: `UPDATE subject SET ${[...sets, 'version = version + 1', 'updated_at = now()'].join(', ')} WHERE id = $1 RETURNING ${RECORD}`,
      values: [id, ...keys.map((k) => param(k, patch[k]))],
    });
    return row;
  }

  /** A page by id (time order), filtered in SQL. */
  async list(filters: SubjectFilters, afterId: string | undefined, limit: number): Promise<SubjectRecord[]> {
    return this.database.query<SubjectRecord>({
      name: 'subjects-list',
      text: `SELECT ${RECORD} FROM subject
              WHERE ($1::uuid IS NULL OR id > $1::uuid)
                AND ($2::text IS NULL OR status = $2)
                AND ($3::text IS NULL OR nationality = $3)
                AND ($4::jsonb IS NULL OR charges @> $4::jsonb)
              ORDER BY id LIMIT $5`,
      values: [afterId ?? null, filters.status ?? null, filters.nationality ?? null, filters.statute ? JSON.stringify([{ statute: filters.statute }]) : null, limit],
    });
  }

  /** Of `ids`, those that exist, with what a graph node or a search hit shows. */
  async summaries(ids: readonly string[], tx?: Tx): Promise<{ id: string; label: string; status: SubjectStatus }[]> {
    if (ids.length === 0) return [];
    return this.database.query({ name: 'subjects-summaries', text: SUBJECT_SUMMARIES_SQL, values: [ids] }, tx);
  }

  /**
   * Subjects with a name (full name or alias) close to `term`: trigram word similarity of the names' keys
   * (unaccented, lower case, punctuation as spaces) through the GIN index, best name per subject, ranked.
   */
  async searchNames(term: string, limit: number): Promise<SubjectNameMatch[]> {
    return this.database.query<SubjectNameMatch>({
      name: 'subjects-search-names',
      text: SUBJECT_NAME_SEARCH_SQL,
      values: [term, limit],
    });
  }

  /** For each term, the subjects named by it (word similarity ≥ minScore): see SUBJECT_NAMES_MENTIONED_SQL. */
  async namesMentioned(terms: readonly string[], minScore: number, tx?: Tx): Promise<{ term: string; id: string; matchedName: string; matchedKind: 'full_name' | 'alias'; score: number }[]> {
    if (terms.length === 0) return [];
    // The index prunes by pg_trgm.word_similarity_threshold (0.6 by default): at minScore it reads far fewer rows.
    return this.database.queryWith({ 'pg_trgm.word_similarity_threshold': String(minScore) }, { name: 'subjects-names-mentioned', text: SUBJECT_NAMES_MENTIONED_SQL, values: [terms, minScore] }, tx);
  }
}
