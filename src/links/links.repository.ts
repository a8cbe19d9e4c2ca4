import { Injectable } from '@nestjs/common';
import { Database, Tx } from '../database/database';
import type { EntityType, LinkKind } from './link-rules';

export interface LinkRecord {
  id: string;
  kind: LinkKind;
  fromType: EntityType;
  fromId: string;
  toType: EntityType;
  toId: string;
  validFrom: string | null;
  validTo: string | null;
  confidence: number;
  source: string;
  description: string | null;
  createdAt: Date;
  updatedAt: Date;
  version: number;
}

export interface LinkPatch {
  validFrom?: string | null;
  validTo?: string | null;
  confidence?: number;
  source?: string;
  description?: string | null;
}

export interface GraphWalk {
  nodes: { id: string; type: EntityType; depth: number }[];
  edges: { id: string; kind: LinkKind; fromType: EntityType; fromId: string; toType: EntityType; toId: string; confidence: number; validFrom: string | null; validTo: string | null }[];
  truncated: boolean;
}

/** The caps of one graph: nodes (the root included) and edges. */
export const GRAPH_MAX_NODES = 500;
export const GRAPH_MAX_EDGES = 2000;

const RECORD = `id, kind, from_type AS "fromType", from_id AS "fromId", to_type AS "toType", to_id AS "toId",
  to_char(valid_from, 'YYYY-MM-DD') AS "validFrom", to_char(valid_to, 'YYYY-MM-DD') AS "validTo", confidence, source, description,
  created_at AS "createdAt", updated_at AS "updatedAt", version`;

const PATCH_COLUMNS: Record<keyof LinkPatch, string> = { validFrom: 'valid_from', validTo: 'valid_to', confidence: 'confidence', source: 'source', description: 'description' };

/**
 * The graph around a root in one statement: a breadth-first walk by levels (each level is the set of
 * entities one link from the previous level, following links both ways, never revisiting one: cycle-safe),
 * up to $2 levels and $4 nodes, then every edge between the nodes found, up to $5. Each level is one pair
 * of index scans (idx_link_from, idx_link_to) with the whole frontier as an array, so the cost grows with the
 * nodes reached, not with the paths to them.
 */
export const GRAPH_SQL = `
WITH RECURSIVE walk(depth, frontier, types, seen, cut) AS (
    SELECT 0, ARRAY[$1::uuid], ARRAY[$6::text], ARRAY[$1::uuid], false
  UNION ALL
    SELECT w.depth + 1, nxt.ids, nxt.types, w.seen || nxt.ids, nxt.cut
      FROM walk w
      CROSS JOIN LATERAL (
        SELECT coalesce(array_agg(c.id ORDER BY c.id) FILTER (WHERE c.rn <= $4 - cardinality(w.seen)), '{}') AS ids,
               coalesce(array_agg(c.type ORDER BY c.id) FILTER (WHERE c.rn <= $4 - cardinality(w.seen)), '{}') AS types,
               count(*) > $4 - cardinality(w.seen) AS cut
          FROM (SELECT n.id, n.type, row_number() OVER (ORDER BY n.id) AS rn
                  FROM (SELECT l.to_id AS id, l.to_type AS type FROM link l WHERE l.from_id = ANY (w.frontier) AND ($3::text[] IS NULL OR l.kind = ANY ($3::text[]))
                        UNION
                        SELECT l.from_id, l.from_type FROM link l WHERE l.to_id = ANY (w.frontier) AND ($3::text[] IS NULL OR l.kind = ANY ($3::text[]))) n
                 WHERE n.id <> ALL (w.seen)) c
      ) nxt
     WHERE w.depth < $2 AND cardinality(w.frontier) > 0 AND NOT w.cut
),
nodes AS (
  SELECT DISTINCT ON (n.id) n.id, n.type, w.depth FROM walk w, unnest(w.frontier, w.types) AS n(id, type) ORDER BY n.id, w.depth
),
edges AS (
  SELECT l.id, l.kind, l.from_type AS "fromType", l.from_id AS "fromId", l.to_type AS "toType", l.to_id AS "toId", l.confidence,
         to_char(l.valid_from, 'YYYY-MM-DD') AS "validFrom", to_char(l.valid_to, 'YYYY-MM-DD') AS "validTo"
    FROM link l
   WHERE l.from_id IN (SELECT id FROM nodes) AND l.to_id IN (SELECT id FROM nodes) AND ($3::text[] IS NULL OR l.kind = ANY ($3::text[]))
   ORDER BY l.id
   LIMIT $5 + 1
)
SELECT (SELECT coalesce(json_agg(json_build_object('id', n.id, 'type', n.type, 'depth', n.depth) ORDER BY n.depth, n.id), '[]') FROM nodes n) AS nodes,
       (SELECT coalesce(json_agg(e), '[]') FROM edges e) AS edges,
       (SELECT bool_or(cut) FROM walk) AS cut`;

/** The only way to the link table. */
@Injectable()
export class LinksRepository {
  constructor(private readonly database: Database) {}

  async insert(tx: Tx, l: Omit<LinkRecord, 'createdAt' | 'updatedAt' | 'version'>, createdBy: string | null): Promise<LinkRecord> {
    const [row] = await this.database.write<LinkRecord>(tx, {
      name: 'links-insert',
      text: `INSERT INTO link (id, kind, from_type, from_id, to_type, to_id, valid_from, valid_to, confidence, source, description, created_by)
             VALUES ($1, $2, $3, $4, $5, $6, $7::date, $8::date, $9, $10, $11, $12) RETURNING ${RECORD}`,
      values: [l.id, l.kind, l.fromType, l.fromId, l.toType, l.toId, l.validFrom, l.validTo, l.confidence, l.source, l.description, createdBy],
    });
    return row;
  }

  async findById(id: string): Promise<LinkRecord | undefined> {
    const [row] = await this.database.query<LinkRecord>({ name: 'links-by-id', text: `SELECT ${RECORD} FROM link WHERE id = $1`, values: [id] });
    return row;
  }

  async lock(tx: Tx, id: string): Promise<LinkRecord | undefined> {
    const [row] = await this.database.query<LinkRecord>({ name: 'links-lock', text: `SELECT ${RECORD} FROM link WHERE id = $1 FOR UPDATE`, values: [id] }, tx);
    return row;
  }

  async update(tx: Tx, id: string, patch: LinkPatch): Promise<LinkRecord> {
    const keys = (Object.keys(PATCH_COLUMNS) as (keyof LinkPatch)[]).filter((k) => patch[k] !== undefined);
    const sets = keys.map((k, i) => `${PATCH_COLUMNS[k]} = $${i + 2}${k === 'validFrom' || k === 'validTo' ? '::date' : ''}`);
    const [row] = await this.database.write<LinkRecord>(tx, {
      name: `links-update:${keys.join(',')}`,
      text: `UPDATE link SET ${[...sets, 'version = version + 1', 'updated_at = now()'].join(', ')} WHERE id = $1 RETURNING ${RECORD}`,
      values: [id, ...keys.map((k) => patch[k])],
    });
    return row;
  }

  /** A page by id; with `entityId`, the links at either end of it. */
  async list(filters: { entityId?: string; kind?: LinkKind }, afterId: string | undefined, limit: number): Promise<LinkRecord[]> {
    return this.database.query<LinkRecord>({
      name: 'links-list',
      text: `SELECT ${RECORD} FROM link
              WHERE ($1::uuid IS NULL OR id > $1::uuid) AND ($2::uuid IS NULL OR from_id = $2::uuid OR to_id = $2::uuid) AND ($3::text IS NULL OR kind = $3)
              ORDER BY id LIMIT $4`,
      values: [afterId ?? null, filters.entityId ?? null, filters.kind ?? null, limit],
    });
  }

  /** The walk around `root` (see GRAPH_SQL): one recursive statement. */
  async walk(root: { type: EntityType; id: string }, depth: number, kinds: LinkKind[] | undefined): Promise<GraphWalk> {
    const [row] = await this.database.query<{ nodes: GraphWalk['nodes']; edges: GraphWalk['edges']; cut: boolean | null }>({
      name: 'links-graph',
      text: GRAPH_SQL,
      values: [root.id, depth, kinds ?? null, GRAPH_MAX_NODES, GRAPH_MAX_EDGES, root.type],
    });
    const truncated = Boolean(row.cut) || row.edges.length > GRAPH_MAX_EDGES;
    return { nodes: row.nodes, edges: row.edges.slice(0, GRAPH_MAX_EDGES), truncated };
  }

  /**
   * Tip matching: who holds these selectors — subjects and organizations with a `uses` or `owns` link to one
   * — and the organizations those subjects are `employed_by`. One statement, index probes on idx_link_to and
   * idx_link_from. `via` is the holder a second-hop organization was reached through.
   */
  async holdersOf(selectorIds: readonly string[], tx?: Tx): Promise<{ selectorId: string; kind: LinkKind; entityType: EntityType; entityId: string; confidence: number; via: string | null }[]> {
    if (selectorIds.length === 0) return [];
    return this.database.query(
      {
        name: 'links-holders',
        text: `WITH direct AS (
                 SELECT l.to_id AS "selectorId", l.kind, l.from_type AS "entityType", l.from_id AS "entityId", l.confidence::float8 AS confidence, NULL::uuid AS via
                   FROM link l WHERE l.to_id = ANY($1::uuid[]) AND l.to_type = 'selector' AND l.kind IN ('uses', 'owns'))
               SELECT * FROM direct
               UNION ALL
               SELECT d."selectorId", e.kind, e.to_type, e.to_id, (d.confidence * e.confidence)::float8, d."entityId"
                 FROM direct d JOIN link e ON e.from_id = d."entityId" AND e.kind = 'employed_by'
                WHERE d."entityType" = 'subject'`,
        values: [selectorIds],
      },
      tx,
    );
  }
}
