import { AddressInfo, connect, createServer, Server, Socket } from 'node:net';
import { createTestDatabase } from './test-database';

interface Pair {
  client: Socket;
  upstream: Socket;
  /** Bytes held while frozen, per direction. */
  toUpstream: Buffer[];
  toClient: Buffer[];
}

/**
 * A TCP proxy in front of PostgreSQL, to inject the faults a client of Casefile must survive: `stop()` is
 * PostgreSQL killed (every connection cut, then connection refused), `freeze()` is PostgreSQL hung (the
 * connections stay open, nothing comes back: SIGSTOP, a partition), `thaw()`/`start()` bring it back.
 */
export class TcpProxy {
  private server?: Server;
  private readonly pairs = new Set<Pair>();
  private frozen = false;
  port = 0;

  constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  async start(port = this.port): Promise<number> {
    const server = createServer((client) => this.accept(client));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
    return this.port;
  }

  /** PostgreSQL killed: every connection is cut and new ones are refused until start(). */
  async stop(): Promise<void> {
    for (const pair of this.pairs) this.cut(pair);
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise((resolve) => server.close(resolve));
  }

  /** PostgreSQL hung: connections stay open (new ones are accepted) but nothing is answered until thaw(). */
  freeze(): void {
    this.frozen = true;
  }

  thaw(): void {
    this.frozen = false;
    for (const pair of this.pairs) {
      for (const chunk of pair.toUpstream.splice(0)) pair.upstream.write(chunk);
      for (const chunk of pair.toClient.splice(0)) pair.client.write(chunk);
    }
  }

  private accept(client: Socket): void {
    const upstream = connect(this.targetPort, this.targetHost);
    const pair: Pair = { client, upstream, toUpstream: [], toClient: [] };
    this.pairs.add(pair);
    client.on('data', (chunk: Buffer) => (this.frozen ? pair.toUpstream.push(chunk) : upstream.write(chunk)));
    upstream.on('data', (chunk: Buffer) => (this.frozen ? pair.toClient.push(chunk) : client.write(chunk)));
    for (const socket of [client, upstream]) {
      socket.on('error', () => this.cut(pair));
      socket.on('close', () => this.cut(pair));
    }
  }

  private cut(pair: Pair): void {
    this.pairs.delete(pair);
    pair.client.destroy();
    pair.upstream.destroy();
  }
}

/** A test database of its own behind a TcpProxy: `url` goes through the proxy, `db.url` straight to PostgreSQL. */
export async function aProxiedDatabase(label: string): Promise<{ db: Awaited<ReturnType<typeof createTestDatabase>>; proxy: TcpProxy; url: string }> {
  const db = await createTestDatabase(label);
  const target = new URL(db.url);
  const proxy = new TcpProxy(target.hostname, Number(target.port || 5432));
  const proxied = new URL(db.url);
  proxied.hostname = '127.0.0.1';
  proxied.port = String(await proxy.start(0));
  return { db, proxy, url: proxied.toString() };
}
