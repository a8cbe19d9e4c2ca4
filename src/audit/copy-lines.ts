import type { PoolClient, Client } from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { StringDecoder } from 'node:string_decoder';
import { CANONICAL_SESSION_SQL } from './audit-chain';

/**
 * Runs `COPY (<select>) TO STDOUT` (text format) on the client and hands each line to `onLine`, streaming:
 * memory holds one network chunk at a time. `onLine` returns false to stop early (the rest is discarded),
 * or a promise to pause the stream until it settles (back-pressure from a slow consumer).
 * COPY takes no bind parameters: callers inline only values they validated (numbers). The session is set
 * to the canonical time zone and date style first, so every COPY of a record writes the same line.
 */
export async function copyLines(client: Client | PoolClient, select: string, onLine: (line: string) => boolean | void | Promise<void>): Promise<void> {
  await client.query(CANONICAL_SESSION_SQL);
  const stream = client.query(copyTo(`COPY (${select}) TO STDOUT`));
  try {
    await readLines(stream, onLine);
  } finally {
    // pg arms its query_timeout timer for a COPY too, and clears it only through the query's callback, which a
    // COPY stream never calls: call it, or the timer outlives the COPY by the statement timeout (keeping the
    // process alive that long after an audit verify or export) and then reports an error on a finished stream.
    (stream as { callback?: () => void }).callback?.();
  }
}

async function readLines(stream: AsyncIterable<Buffer>, onLine: (line: string) => boolean | void | Promise<void>): Promise<void> {
  const decoder = new StringDecoder('utf8');
  let rest = '';
  let stopped = false;
  for await (const chunk of stream) {
    if (stopped) continue;
    const text = rest + decoder.write(chunk);
    let start = 0;
    for (let nl = text.indexOf('\n', start); nl !== -1; nl = text.indexOf('\n', start)) {
      const verdict = onLine(text.slice(start, nl));
      if (verdict === false) {
        stopped = true;
        break;
      }
      if (typeof verdict === 'object') await verdict; // a promise (not instanceof: it may come from another realm)
      start = nl + 1;
    }
    rest = stopped ? '' : text.slice(start);
  }
}
