import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { link, mkdir, open, readdir, stat, unlink } from 'node:fs/promises';
import { once } from 'node:events';
import { dirname, join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { finished } from 'node:stream/promises';

/** An object being written, not yet published: nothing reads it, and `discard()` leaves no trace. */
export interface StagedObject {
  readonly sink: Writable;
  /** After the sink has finished: the bytes are durable (fsync) and the object can be committed. */
  seal(): Promise<void>;
  /** Removes what was written (safe to call more than once, and after a commit). */
  discard(): Promise<void>;
}

/**
 * Where evidence files live, content-addressed: an object's key is the SHA-256 (hex) of its plaintext, never
 * anything the client chose. Objects are written once, published atomically and never changed.
 *
 * An S3-compatible store implements it as: `stage()` starts a multipart upload under a staging prefix
 * (`tmp/<uuid>`; a bucket lifecycle rule aborts incomplete uploads and expires staging objects after a day);
 * `seal()` completes it (the store acknowledges only once the object is durable); `commit()` copies it to
 * `objects/<sha256>` with a conditional write (`If-None-Match: *`, answering false on 412 — the key already
 * holds the same content), then deletes the staged object; `read()` is a ranged GetObject; `remove()` a
 * DeleteObject (only of an object this request created). Several replicas: the bucket's own replication
 * (versioning plus cross-region or cross-site replication, object lock in compliance mode for retention); the
 * service sees one bucket. Every replica of the API must use the same store.
 */
export interface EvidenceStorage {
  stage(): Promise<StagedObject>;
  /** Publishes a sealed object under `key` atomically. False when `key` already exists (the same content). */
  commit(staged: StagedObject, key: string): Promise<boolean>;
  /** The stored bytes of `key`, from `start` to `end` inclusive (the whole object by default). */
  read(key: string, range?: { start: number; end: number }): Promise<Readable>;
  /** The stored size of `key`, undefined when there is none. */
  size(key: string): Promise<number | undefined>;
  /** Removes `key` (an object this request committed, when what it was for failed). */
  remove(key: string): Promise<void>;
}

export const EVIDENCE_STORAGE = Symbol('EvidenceStorage');

const KEY = /^[0-9a-f]{64}$/;

/** The object is missing from the store. */
export class ObjectMissingError extends Error {
  constructor(key: string) {
    super(`evidence object ${key.slice(0, 12)}… is missing from the store`);
    this.name = 'ObjectMissingError';
  }
}

/**
 * Local disk: `<dir>/objects/ab/cd/<sha256>` (mode 0600), staged under `<dir>/tmp` on the same file system.
 * A commit is `link()` (atomic, never overwrites) then `unlink()` of the staged name, then an fsync of the
 * directory, so a crash leaves either no object or a whole one.
 */
export class LocalDiskEvidenceStorage implements EvidenceStorage {
  readonly objectsDir: string;
  readonly stagingDir: string;

  constructor(dir: string) {
    this.objectsDir = join(dir, 'objects');
    this.stagingDir = join(dir, 'tmp');
  }

  /** Creates the directories (at start). */
  async init(): Promise<void> {
    await mkdir(this.objectsDir, { recursive: true, mode: 0o700 });
    await mkdir(this.stagingDir, { recursive: true, mode: 0o700 });
  }

  pathOf(key: string): string {
    if (!KEY.test(key)) throw new Error('an evidence object key is a SHA-256 in hex');
    return join(this.objectsDir, key.slice(0, 2), key.slice(2, 4), key);
  }

  async stage(): Promise<StagedObject> {
    const path = join(this.stagingDir, `${randomUUID()}.part`);
    // `flush`: the descriptor is fsynced before it is closed, so a finished sink is a durable file.
    const sink = createWriteStream(path, { flags: 'wx', mode: 0o600, flush: true, highWaterMark: 1024 * 1024 });
    await once(sink, 'open');
    return {
      sink,
      path,
      seal: async () => {
        if (!sink.closed) await finished(sink);
      },
      discard: async () => {
        if (!sink.closed) {
          sink.destroy();
          await once(sink, 'close').catch(() => undefined);
        }
        await unlink(path).catch(() => undefined);
      },
    } as StagedObject & { path: string };
  }

  async commit(staged: StagedObject, key: string): Promise<boolean> {
    const from = (staged as StagedObject & { path: string }).path;
    const to = this.pathOf(key);
    await mkdir(dirname(to), { recursive: true, mode: 0o700 });
    let created = true;
    try {
      await link(from, to);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      created = false;
    }
    await unlink(from).catch(() => undefined);
    if (created) await syncDir(dirname(to));
    return created;
  }

  async read(key: string, range?: { start: number; end: number }): Promise<Readable> {
    const path = this.pathOf(key);
    // Open first, so a missing object is an error here rather than in the middle of a response.
    const handle = await open(path, 'r').catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') throw new ObjectMissingError(key);
      throw e;
    });
    return handle.createReadStream({ start: range?.start, end: range?.end, highWaterMark: 256 * 1024, autoClose: true });
  }

  async size(key: string): Promise<number | undefined> {
    return stat(this.pathOf(key)).then(
      (s) => s.size,
      () => undefined,
    );
  }

  async remove(key: string): Promise<void> {
    await unlink(this.pathOf(key)).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'ENOENT') throw e;
    });
  }

  /** Staged files left by a crash (older than `olderThanMs`): removed. */
  async sweepStaging(olderThanMs: number): Promise<number> {
    let removed = 0;
    for (const name of await readdir(this.stagingDir).catch(() => [] as string[])) {
      const path = join(this.stagingDir, name);
      const s = await stat(path).catch(() => undefined);
      if (s && Date.now() - s.mtimeMs > olderThanMs) {
        await unlink(path).catch(() => undefined);
        removed += 1;
      }
    }
    return removed;
  }
}

async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
