import { randomBytes, createHash } from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DecryptingStream, EncryptingStream, EvidenceKeyring, HEADER_SIZE, IntegrityError, locateRange, parseHeader, storedSize, TAG_SIZE, TooLargeError } from './evidence-cipher';

const S = 1024;
const keyring: EvidenceKeyring = { currentKeyId: 'k0000001', keys: new Map([['k0000001', randomBytes(32)]]) };

async function collect(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const out: Buffer[] = [];
  await pipeline(stream, new Writable({ write: (c: Buffer, _e, cb) => (out.push(c), cb()) }));
  return Buffer.concat(out);
}

async function encrypt(plain: Buffer, max = 1 << 30): Promise<{ stored: Buffer; sha256: Buffer; head: Buffer }> {
  const enc = new EncryptingStream(keyring, randomBytes(16), max, S, 10);
  // Odd-sized chunks, to cross segment boundaries.
  const chunks: Buffer[] = [];
  for (let i = 0; i < plain.length; i += 333) chunks.push(plain.subarray(i, i + 333));
  const stored = await collect(Readable.from(chunks).pipe(enc));
  return { stored, sha256: enc.summary.sha256, head: enc.summary.head };
}

function decrypt(stored: Buffer, size: number, range?: [number, number], expectSha256?: Buffer): Promise<Buffer> {
  const header = parseHeader(stored);
  const [start, end] = range ?? [0, Math.max(0, size - 1)];
  const at = locateRange(start, end, size, S);
  return collect(Readable.from([stored.subarray(at.from, at.to + 1)]).pipe(new DecryptingStream({ keyring, header, plainSize: size, firstSegment: at.firstSegment, skip: at.skip, length: at.length, expectSha256 })));
}

describe('segmented AES-256-GCM for evidence files', () => {
  it.each([0, 1, S - 1, S, S + 1, 5 * S, 5 * S + 17])('round-trips %i bytes, hashing the plaintext', async (n) => {
    const plain = randomBytes(n);
    const { stored, sha256, head } = await encrypt(plain);
    expect(stored.length).toBe(storedSize(n, S));
    expect(sha256).toEqual(createHash('sha256').update(plain).digest());
    expect(head).toEqual(plain.subarray(0, 10));
    expect(await decrypt(stored, n, undefined, sha256)).toEqual(plain);
  });

  it('reads any range, segment by segment', async () => {
    const plain = randomBytes(5 * S + 17);
    const { stored } = await encrypt(plain);
    for (const [a, b] of [[0, 0], [S - 1, S], [S + 3, 3 * S + 5], [5 * S, 5 * S + 16], [100, 5 * S + 16]] as [number, number][]) {
      expect(await decrypt(stored, plain.length, [a, b])).toEqual(plain.subarray(a, b + 1));
    }
  });

  it('refuses more than the limit', async () => {
    await expect(encrypt(randomBytes(3 * S), 2 * S)).rejects.toBeInstanceOf(TooLargeError);
  });

  it('detects a flipped byte, a truncation at a segment boundary, reordered segments and trailing bytes', async () => {
    const plain = randomBytes(3 * S + 5);
    const { stored, sha256 } = await encrypt(plain);
    const flipped = Buffer.from(stored);
    flipped[HEADER_SIZE + S + 40] ^= 1;
    await expect(decrypt(flipped, plain.length, undefined, sha256)).rejects.toBeInstanceOf(IntegrityError);
    // Cut after two whole segments, and claim that is the whole file: the last kept segment lacks the final flag.
    const cut = stored.subarray(0, HEADER_SIZE + 2 * (S + TAG_SIZE));
    await expect(decrypt(cut, 2 * S)).rejects.toBeInstanceOf(IntegrityError);
    await expect(decrypt(cut, plain.length)).rejects.toBeInstanceOf(IntegrityError);
    const stride = S + TAG_SIZE;
    const swapped = Buffer.concat([stored.subarray(0, HEADER_SIZE), stored.subarray(HEADER_SIZE + stride, HEADER_SIZE + 2 * stride), stored.subarray(HEADER_SIZE, HEADER_SIZE + stride), stored.subarray(HEADER_SIZE + 2 * stride)]);
    await expect(decrypt(swapped, plain.length)).rejects.toBeInstanceOf(IntegrityError);
    await expect(decrypt(Buffer.concat([stored, Buffer.from('x')]), plain.length, [0, plain.length])).rejects.toBeInstanceOf(IntegrityError);
  });

  it('refuses a segment moved from another file (each file has its own key)', async () => {
    const a = await encrypt(Buffer.alloc(2 * S, 1));
    const b = await encrypt(Buffer.alloc(2 * S, 1));
    const mixed = Buffer.concat([a.stored.subarray(0, HEADER_SIZE + S + TAG_SIZE), b.stored.subarray(HEADER_SIZE + S + TAG_SIZE)]);
    await expect(decrypt(mixed, 2 * S)).rejects.toBeInstanceOf(IntegrityError);
  });
});
