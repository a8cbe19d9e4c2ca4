import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileTypeFromBuffer } from 'file-type';
import { AppConfig } from '../config/app-config';
import { DecryptingStream, EncryptingStream, EvidenceKeyring, HEADER_SIZE, IntegrityError, locateRange, parseHeader, storedSize } from './evidence-cipher';
import { EVIDENCE_STORAGE, EvidenceStorage, ObjectMissingError, StagedObject } from './evidence-storage';

/** An uploaded file, encrypted and durable in staging, not yet published. */
export interface ReceivedFile {
  staged: StagedObject;
  size: number;
  sha256: string;
  /** Sniffed from the first bytes; null when not recognised. */
  detectedContentType: string | null;
}

export interface IntegrityReport {
  ok: boolean;
  problem: string | null;
  /** Where the damage was met (plaintext offset), when known. */
  offset?: number;
}

/** Printable UTF-8 without NUL: text of some kind. */
function looksLikeText(head: Buffer): boolean {
  if (head.length === 0 || head.includes(0)) return false;
  // A multi-byte character cut at the end of the sample is fine.
  const text = new TextDecoder('utf-8', { fatal: false }).decode(head.subarray(0, Math.max(0, head.length - 3)));
  return !text.includes('\uFFFD');
}

/** The file side of evidence (no database): the upload pipeline, reading back, and checking integrity. */
@Injectable()
export class EvidenceFiles implements OnModuleInit {
  private readonly keyring: EvidenceKeyring;

  constructor(
    @Inject(EVIDENCE_STORAGE) private readonly storage: EvidenceStorage,
    @Inject(AppConfig) config: AppConfig,
  ) {
    // The field-encryption keys are the master keys (rotated the same way); each file gets its own key from them.
    const { fieldEncryptionKeyId, fieldEncryptionKey, fieldEncryptionOlderKeys } = config.secrets;
    this.keyring = { currentKeyId: fieldEncryptionKeyId, keys: new Map([[fieldEncryptionKeyId, fieldEncryptionKey], ...Object.entries(fieldEncryptionOlderKeys)]) };
  }

  async onModuleInit(): Promise<void> {
    const init = (this.storage as { init?: () => Promise<void> }).init;
    if (init) await init.call(this.storage);
  }

  /**
   * Streams `source` into staging: hashed (SHA-256) and encrypted on the way, refused past `maxBytes`
   * (TooLargeError), then fsynced. On any failure (the client aborts, the disk fills) nothing stays.
   */
  async receive(source: Readable, maxBytes: number): Promise<ReceivedFile> {
    const staged = await this.storage.stage();
    const encrypt = new EncryptingStream(this.keyring, randomBytes(16), maxBytes);
    try {
      await pipeline(source, encrypt, staged.sink);
      await staged.seal();
    } catch (e) {
      await staged.discard();
      throw e;
    }
    const { size, sha256, head } = encrypt.summary;
    const sniffed = await fileTypeFromBuffer(head).catch(() => undefined);
    return { staged, size, sha256: sha256.toString('hex'), detectedContentType: sniffed?.mime ?? (looksLikeText(head) ? 'text/plain' : null) };
  }

  /** Publishes a received file under its SHA-256. False when the store already held that content. */
  commit(file: ReceivedFile): Promise<boolean> {
    return this.storage.commit(file.staged, file.sha256);
  }

  remove(key: string): Promise<void> {
    return this.storage.remove(key);
  }

  /**
   * The plaintext of bytes `start`…`end` (inclusive) of a stored file, decrypted and authenticated segment by
   * segment; reading the whole file also checks its SHA-256 before the last segment is released. The stream
   * is primed: damage in the first segment read (or a missing object) is thrown here, before any response
   * starts; damage met later errors the stream (no plaintext of a damaged segment is ever released).
   */
  async open(key: string, size: number, sha256: string, range?: { start: number; end: number }): Promise<Readable> {
    const header = await this.readHeader(key);
    const start = range?.start ?? 0;
    const end = range?.end ?? Math.max(0, size - 1);
    const at = locateRange(start, end, size, header.segmentSize);
    const whole = start === 0 && (size === 0 || end === size - 1);
    const source = await this.storage.read(key, { start: at.from, end: at.to });
    const decrypt = new DecryptingStream({ keyring: this.keyring, header, plainSize: size, firstSegment: at.firstSegment, skip: at.skip, length: at.length, expectSha256: whole ? Buffer.from(sha256, 'hex') : undefined });
    source.on('error', (e) => decrypt.destroy(e));
    const plain = source.pipe(decrypt);
    await primed(plain);
    return plain;
  }

  /** Reads the whole stored file back: decrypts, authenticates every segment, re-hashes. Never throws for damage. */
  async verify(key: string, size: number, sha256: string): Promise<IntegrityReport> {
    try {
      const stored = await this.storage.size(key);
      if (stored === undefined) return { ok: false, problem: 'the stored file is missing' };
      const header = await this.readHeader(key);
      if (stored !== storedSize(size, header.segmentSize)) return { ok: false, problem: `the stored file has ${stored} bytes where ${storedSize(size, header.segmentSize)} were written (truncated or extended)` };
      const source = await this.storage.read(key, { start: HEADER_SIZE, end: stored - 1 });
      const decrypt = new DecryptingStream({ keyring: this.keyring, header, plainSize: size, firstSegment: 0, skip: 0, length: size, expectSha256: Buffer.from(sha256, 'hex') });
      await pipeline(source, decrypt, new Writable({ write: (_chunk, _enc, cb) => cb() }));
      return { ok: true, problem: null };
    } catch (e) {
      if (e instanceof IntegrityError) return { ok: false, problem: e.message, offset: e.offset };
      if (e instanceof ObjectMissingError) return { ok: false, problem: 'the stored file is missing' };
      throw e;
    }
  }

  private async readHeader(key: string): Promise<ReturnType<typeof parseHeader>> {
    const stream = await this.storage.read(key, { start: 0, end: HEADER_SIZE - 1 });
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    return parseHeader(Buffer.concat(chunks));
  }
}

/** Resolves once `stream` has data (or has ended), rejects when it fails first. */
function primed(stream: Readable): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (error?: Error): void => {
      stream.off('readable', onReadable);
      stream.off('error', onError);
      if (error) reject(error);
      else resolve();
    };
    const onReadable = (): void => done();
    const onError = (e: Error): void => done(e);
    stream.on('readable', onReadable);
    stream.on('error', onError);
    // Whoever consumes it attaches its own; until then an error must not go unhandled.
    stream.on('error', () => undefined);
  });
}
