import { randomFillSync } from 'node:crypto';
import { v7 } from 'uuid';

// Random bytes are drawn 4 KiB at a time: one getrandom call serves 256 ids instead of one.
const pool = Buffer.alloc(4096);
let offset = pool.length;
// Monotonic within a millisecond (RFC 9562 §6.2 method 1), as uuid's own v7 does.
const state = { msecs: -Infinity, seq: 0 };

/** Time-ordered UUIDv7, made by the app so PostgreSQL 15 works (no uuidv7() before PostgreSQL 18). */
export function newId(): string {
  if (offset + 16 > pool.length) {
    randomFillSync(pool);
    offset = 0;
  }
  const random = pool.subarray(offset, offset + 16);
  offset += 16;
  const now = Date.now();
  if (now > state.msecs) {
    state.msecs = now;
    state.seq = ((random[6] & 0x7f) << 24) | (random[7] << 16) | (random[8] << 8) | random[9];
  } else {
    state.seq = (state.seq + 1) | 0;
    if (state.seq === 0) state.msecs += 1;
  }
  return v7({ random, msecs: state.msecs, seq: state.seq });
}
