import { BadRequestError } from '../errors/domain.error';
import { decodeCursor, Page, toPage } from './keyset';

/** What one element of a keyset may be; checked when a cursor comes back, before it reaches SQL. */
export type KeyPart = 'uuid' | 'timestamp' | 'date' | 'int' | 'seq';

const PATTERNS: Record<KeyPart, RegExp> = {
  uuid: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
  timestamp: /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/,
  date: /^(\d{4}-\d{2}-\d{2}|infinity)$/,
  int: /^\d{1,9}$/,
  seq: /^\d{1,18}$/,
};

/**
 * Keyset pages whose cursors name their list (`notes:<caseId>`, `cases:activity`…): a cursor from another
 * list, another case or another sort is a 400, never a wrong page or an SQL error. Builds on the common
 * keyset protocol (`limit + 1` rows, opaque base64url JSON).
 */
export async function paginateList<R, T>(
  list: string,
  query: { limit: number; cursor?: string },
  parts: readonly KeyPart[],
  fetch: (after: string[] | undefined, take: number) => Promise<R[]>,
  keyOf: (row: R) => string[],
  map: (row: R) => T,
): Promise<Page<T>> {
  const decoded = decodeCursor(query.cursor, ['string', ...parts.map(() => 'string' as const)]) as string[] | undefined;
  if (decoded && (decoded[0] !== list || !parts.every((p, i) => PATTERNS[p].test(decoded[i + 1])))) {
    throw new BadRequestError('cursor belongs to another list (or another sort or case): use the nextCursor this list returned, unchanged');
  }
  const rows = await fetch(decoded?.slice(1), query.limit + 1);
  return toPage(rows, query.limit, (r) => [list, ...keyOf(r)], map);
}
