import { BadRequestError } from '../errors/domain.error';

/** A page of a list: `{ data, nextCursor }` (nextCursor null on the last page). */
export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

/** The sort key of the last row of a page, made opaque for the client. */
export function encodeCursor(key: (string | number)[]): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string | undefined, shape: ('string' | 'number')[]): (string | number)[] | undefined {
  if (cursor === undefined) return undefined;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(parsed) && parsed.length === shape.length && parsed.every((v, i) => typeof v === shape[i])) {
      return parsed as (string | number)[];
    }
  } catch {
    /* fall through */
  }
  throw new BadRequestError('cursor is not valid: use the nextCursor of the previous page, unchanged');
}

/**
 * Rows were fetched with `limit + 1`; returns the page and the cursor of its last row when there is more.
 */
export function toPage<R, T>(rows: R[], limit: number, keyOf: (row: R) => (string | number)[], map: (row: R) => T): Page<T> {
  const hasMore = rows.length > limit;
  const pageRows = hasMore ? rows.slice(0, limit) : rows;
  const last = pageRows[pageRows.length - 1];
  return { data: pageRows.map(map), nextCursor: hasMore && last !== undefined ? encodeCursor(keyOf(last)) : null };
}

export type CursorShape = ('string' | 'number')[];

/**
 * One keyset page, the only place that knows the protocol: decodes the cursor (400 when it is not one of
 * this list's), asks `fetch` for `limit + 1` rows after it, and makes the next cursor from the last row
 * kept. `after` is undefined on the first page.
 */
export async function paginate<R, T>(
  query: { limit: number; cursor?: string },
  shape: CursorShape,
  fetch: (after: (string | number)[] | undefined, take: number) => Promise<R[]>,
  keyOf: (row: R) => (string | number)[],
  map: (row: R) => T,
): Promise<Page<T>> {
  const rows = await fetch(decodeCursor(query.cursor, shape), query.limit + 1);
  return toPage(rows, query.limit, keyOf, map);
}
