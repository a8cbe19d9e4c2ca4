import { createCipheriv, createDecipheriv, createHash, Hash, hkdfSync } from 'node:crypto';
import { Transform, TransformCallback } from 'node:stream';

/**
 * Evidence files at rest: AES-256-GCM in fixed-size authenticated segments (the construction of Tink's
 * "streaming AEAD" and age's STREAM, simplified):
 *
 *   header (36 bytes) = "CFEVID01" | key id (8 ASCII) | file id (16 random bytes) | segment size (uint32 BE)
 *   segment i         = AES-256-GCM(file key, nonce(i, final), plaintext[i·S … (i+1)·S), aad = header | i | final) | tag (16)
 *
 * - the file key is HKDF-SHA256(master key named by the key id, salt = file id): every file has its own key,
 *   so a segment can never be moved into another file;
 * - the nonce is the segment index (uint64 BE) and the final-segment flag: reordering or swapping segments
 *   fails authentication, and so does a truncation — the segment that ends the file must carry the flag, and
 *   a file cut at a segment boundary ends with one that does not;
 * - every segment but the last holds exactly S plaintext bytes; the last holds 0…S (an empty file is one empty
 *   final segment), so the ciphertext size follows from the plaintext size, and a byte range maps to segments.
 *
 * Each segment is checked before any of its plaintext is released, so a reader meets damage at the first
 * damaged segment, and never hands out plaintext that was not authenticated.
 */
export const SEGMENT_SIZE = 64 * 1024;
export const TAG_SIZE = 16;
const MAGIC = Buffer.from('CFEVID01', 'ascii');
export const HEADER_SIZE = MAGIC.length + 8 + 16 + 4;
const INFO = Buffer.from('casefile evidence file v1', 'ascii');

/** The stored bytes are not what was written: a damaged, truncated, reordered or foreign file. */
export class IntegrityError extends Error {
  constructor(
    message: string,
    /** The plaintext offset where the damage was met (the start of the failing segment). */
    readonly offset?: number,
  ) {
    super(message);
    this.name = 'IntegrityError';
  }
}

/** The file grew past what the service accepts. */
export class TooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`larger than ${limit} bytes`);
    this.name = 'TooLargeError';
  }
}

/** The master keys, by key id; the current one encrypts. */
export interface EvidenceKeyring {
  currentKeyId: string;
  keys: ReadonlyMap<string, Buffer>;
}

export interface FileHeader {
  keyId: string;
  fileId: Buffer;
  segmentSize: number;
  raw: Buffer;
}

export function encodeHeader(keyId: string, fileId: Buffer, segmentSize = SEGMENT_SIZE): Buffer {
  if (!/^[\x21-\x7e]{8}$/.test(keyId)) throw new Error('an evidence key id is 8 visible ASCII characters');
  if (fileId.length !== 16) throw new Error('a file id is 16 bytes');
  const size = Buffer.alloc(4);
  size.writeUInt32BE(segmentSize);
  return Buffer.concat([MAGIC, Buffer.from(keyId, 'ascii'), fileId, size]);
}

export function parseHeader(raw: Buffer): FileHeader {
  if (raw.length < HEADER_SIZE || !raw.subarray(0, MAGIC.length).equals(MAGIC)) throw new IntegrityError('not an evidence file (bad header)', 0);
  const header = Buffer.from(raw.subarray(0, HEADER_SIZE));
  const segmentSize = header.readUInt32BE(HEADER_SIZE - 4);
  if (segmentSize < 1024 || segmentSize > 16 * 1024 * 1024) throw new IntegrityError('not an evidence file (bad segment size)', 0);
  return { keyId: header.subarray(8, 16).toString('ascii'), fileId: Buffer.from(header.subarray(16, 32)), segmentSize, raw: header };
}

function fileKey(master: Buffer, fileId: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', master, fileId, INFO, 32));
}

function nonceOf(index: number, final: boolean): Buffer {
  const nonce = Buffer.alloc(12);
  nonce.writeBigUInt64BE(BigInt(index), 0);
  nonce[8] = final ? 1 : 0;
  return nonce;
}

function aadOf(header: Buffer, index: number, final: boolean): Buffer {
  const aad = Buffer.alloc(header.length + 9);
  header.copy(aad, 0);
  aad.writeBigUInt64BE(BigInt(index), header.length);
  aad[header.length + 8] = final ? 1 : 0;
  return aad;
}

/** How many segments a file of `plainSize` bytes has (an empty file has one, empty). */
export function segmentCount(plainSize: number, segmentSize = SEGMENT_SIZE): number {
  return Math.max(1, Math.ceil(plainSize / segmentSize));
}

/** The stored size of a file of `plainSize` bytes. */
export function storedSize(plainSize: number, segmentSize = SEGMENT_SIZE): number {
  return HEADER_SIZE + plainSize + segmentCount(plainSize, segmentSize) * TAG_SIZE;
}

function keyFor(keyring: EvidenceKeyring, keyId: string): Buffer {
  const key = keyring.keys.get(keyId);
  if (!key) throw new IntegrityError(`the file was encrypted under key ${keyId}, which this service does not hold`, 0);
  return key;
}

export interface EncryptedSummary {
  size: number;
  sha256: Buffer;
  /** The first bytes of the plaintext (for content sniffing). */
  head: Buffer;
}

/**
 * Plaintext in, the stored form out (header, then segments), hashing the plaintext with SHA-256 on the way
 * and refusing more than `maxBytes` (TooLargeError). Memory: one segment.
 */
export class EncryptingStream extends Transform {
  private readonly key: Buffer;
  private readonly header: Buffer;
  private readonly hash: Hash = createHash('sha256');
  private segment: Buffer;
  private filled = 0;
  private index = 0;
  private total = 0;
  private headerSent = false;
  private readonly headChunks: Buffer[] = [];
  private headLength = 0;
  private done?: EncryptedSummary;

  constructor(
    keyring: EvidenceKeyring,
    fileId: Buffer,
    private readonly maxBytes: number,
    private readonly segmentSize = SEGMENT_SIZE,
    private readonly headBytes = 4100,
  ) {
    super();
    this.header = encodeHeader(keyring.currentKeyId, fileId, segmentSize);
    this.key = fileKey(keyFor(keyring, keyring.currentKeyId), fileId);
    this.segment = Buffer.allocUnsafe(segmentSize);
  }

  /** Once the stream has ended: what was written. */
  get summary(): EncryptedSummary {
    if (!this.done) throw new Error('the stream has not ended');
    return this.done;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.total += chunk.length;
    if (this.total > this.maxBytes) {
      callback(new TooLargeError(this.maxBytes));
      return;
    }
    this.hash.update(chunk);
    if (this.headLength < this.headBytes) {
      const take = chunk.subarray(0, this.headBytes - this.headLength);
      this.headChunks.push(Buffer.from(take));
      this.headLength += take.length;
    }
    this.sendHeader();
    let offset = 0;
    while (offset < chunk.length) {
      // A full segment is sealed only once more data shows it is not the last one.
      if (this.filled === this.segmentSize) {
        this.seal(false);
      }
      const n = Math.min(this.segmentSize - this.filled, chunk.length - offset);
      chunk.copy(this.segment, this.filled, offset, offset + n);
      this.filled += n;
      offset += n;
    }
    callback();
  }

  override _flush(callback: TransformCallback): void {
    this.sendHeader();
    this.seal(true);
    this.done = { size: this.total, sha256: this.hash.digest(), head: Buffer.concat(this.headChunks) };
    callback();
  }

  private sendHeader(): void {
    if (this.headerSent) return;
    this.headerSent = true;
    this.push(this.header);
  }

  private seal(final: boolean): void {
    const cipher = createCipheriv('aes-256-gcm', this.key, nonceOf(this.index, final));
    cipher.setAAD(aadOf(this.header, this.index, final));
    const body = cipher.update(this.segment.subarray(0, this.filled));
    const rest = cipher.final();
    // Pushed as they come (no copy into one buffer): the sink writes them in order.
    if (body.length > 0) this.push(body);
    if (rest.length > 0) this.push(rest);
    this.push(cipher.getAuthTag());
    this.index += 1;
    this.filled = 0;
    // The buffer was handed to update() (copied into the ciphertext): it can be reused.
  }
}

export interface DecryptOptions {
  keyring: EvidenceKeyring;
  header: FileHeader;
  /** The plaintext size of the whole file (from its record). */
  plainSize: number;
  /** The first segment in the ciphertext that follows (the source starts at its first byte). */
  firstSegment: number;
  /** Plaintext bytes to drop at the start (a range inside the first segment) and to hand out in all. */
  skip: number;
  length: number;
  /** Reading the whole file: its SHA-256 must match before the last segment is released. */
  expectSha256?: Buffer;
}

/**
 * The stored segments in (from `firstSegment` on), authenticated plaintext out — only the requested range.
 * Damage (a segment that fails authentication, a file that ends early or runs on, a digest that differs) is an
 * IntegrityError, raised before any plaintext of the damaged segment is released. Memory: one segment.
 */
export class DecryptingStream extends Transform {
  private readonly key: Buffer;
  private readonly stride: number;
  private readonly lastSegment: number;
  private pending: Buffer[] = [];
  private pendingLength = 0;
  private index: number;
  private skip: number;
  private remaining: number;
  private readonly hash?: Hash;

  constructor(private readonly options: DecryptOptions) {
    super();
    const { header } = options;
    this.key = fileKey(keyFor(options.keyring, header.keyId), header.fileId);
    this.stride = header.segmentSize + TAG_SIZE;
    this.lastSegment = segmentCount(options.plainSize, header.segmentSize) - 1;
    this.index = options.firstSegment;
    this.skip = options.skip;
    this.remaining = options.length;
    if (options.expectSha256) this.hash = createHash('sha256');
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.pending.push(chunk);
    this.pendingLength += chunk.length;
    try {
      while (this.index <= this.lastSegment && this.pendingLength >= this.segmentLength(this.index)) {
        if (this.index === this.lastSegment && this.pendingLength > this.segmentLength(this.index)) {
          throw new IntegrityError('the file runs on past its last segment', this.index * this.options.header.segmentSize);
        }
        this.openSegment(this.takeBytes(this.segmentLength(this.index)));
      }
      if (this.index > this.lastSegment && this.pendingLength > 0) throw new IntegrityError('the file runs on past its last segment', this.options.plainSize);
      callback();
    } catch (e) {
      callback(e as Error);
    }
  }

  override _flush(callback: TransformCallback): void {
    if (this.remaining > 0 || (this.hash && this.index <= this.lastSegment)) {
      callback(new IntegrityError('the file ends before its last segment (truncated)', this.index * this.options.header.segmentSize));
      return;
    }
    callback();
  }

  private segmentLength(index: number): number {
    if (index < this.lastSegment) return this.stride;
    return this.options.plainSize - this.lastSegment * this.options.header.segmentSize + TAG_SIZE;
  }

  private takeBytes(n: number): Buffer {
    const all = this.pending.length === 1 ? this.pending[0] : Buffer.concat(this.pending, this.pendingLength);
    const out = all.subarray(0, n);
    const rest = all.subarray(n);
    this.pending = rest.length > 0 ? [rest] : [];
    this.pendingLength = rest.length;
    return out;
  }

  private openSegment(sealed: Buffer): void {
    const index = this.index;
    const final = index === this.lastSegment;
    let plain: Buffer;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, nonceOf(index, final));
      decipher.setAAD(aadOf(this.options.header.raw, index, final));
      decipher.setAuthTag(sealed.subarray(sealed.length - TAG_SIZE));
      const body = decipher.update(sealed.subarray(0, sealed.length - TAG_SIZE));
      const rest = decipher.final();
      plain = rest.length > 0 ? Buffer.concat([body, rest]) : body;
    } catch {
      throw new IntegrityError(`segment ${index} does not authenticate (damaged, reordered or truncated)`, index * this.options.header.segmentSize);
    }
    this.index += 1;
    if (this.hash) {
      this.hash.update(plain);
      if (final && !this.hash.digest().equals(this.options.expectSha256!)) throw new IntegrityError('the content does not match its SHA-256', index * this.options.header.segmentSize);
    }
    let out = plain;
    if (this.skip > 0) {
      const dropped = Math.min(this.skip, out.length);
      out = out.subarray(dropped);
      this.skip -= dropped;
    }
    if (out.length > this.remaining) out = out.subarray(0, this.remaining);
    this.remaining -= out.length;
    if (out.length > 0) this.push(out);
  }
}

/** Where a plaintext byte range lies in the stored file. */
export function locateRange(start: number, endInclusive: number, plainSize: number, segmentSize = SEGMENT_SIZE): { firstSegment: number; from: number; to: number; skip: number; length: number } {
  const firstSegment = Math.floor(start / segmentSize);
  const lastSegment = plainSize === 0 ? 0 : Math.floor(endInclusive / segmentSize);
  const stride = segmentSize + TAG_SIZE;
  const from = HEADER_SIZE + firstSegment * stride;
  const to = Math.min(HEADER_SIZE + (lastSegment + 1) * stride, storedSize(plainSize, segmentSize)) - 1;
  return { firstSegment, from, to, skip: start - firstSegment * segmentSize, length: plainSize === 0 ? 0 : endInclusive - start + 1 };
}
