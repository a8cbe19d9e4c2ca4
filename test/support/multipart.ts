import { randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import type { AddressInfo, Server } from 'node:net';

export type RawPart = { name: string; value: string } | { name: string; filename: string; contentType?: string; data: Buffer };

/** A multipart/form-data body, parts in the order given. */
export function multipartBody(parts: RawPart[]): { boundary: string; body: Buffer } {
  const boundary = `----casefile${randomBytes(8).toString('hex')}`;
  const chunks: Buffer[] = [];
  for (const p of parts) {
    if ('value' in p) {
      chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${p.name}"\r\n\r\n${p.value}\r\n`, 'utf8'));
    } else {
      chunks.push(
        Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${p.name}"; filename="${p.filename}"\r\nContent-Type: ${p.contentType ?? 'application/octet-stream'}\r\n\r\n`, 'utf8'),
        p.data,
        Buffer.from('\r\n'),
      );
    }
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { boundary, body: Buffer.concat(chunks) };
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  /** The response ended before its Content-Length (or the connection failed mid-body). */
  cutShort: boolean;
}

function portOf(server: Server): number {
  if (!server.listening) server.listen(0, '127.0.0.1');
  return (server.address() as AddressInfo).port;
}

/**
 * A request on a real socket, for what supertest cannot do: write only the first `abortAfter` bytes of the
 * body and then drop the connection, or keep reading the response when the server answers before the whole
 * body was sent (413).
 */
export async function rawRequest(
  server: Server,
  options: { method: string; path: string; headers: Record<string, string>; body?: Buffer; abortAfter?: number },
): Promise<RawResponse | undefined> {
  if (!server.listening) await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = portOf(server);
  return new Promise((resolve) => {
    const req = httpRequest({ host: '127.0.0.1', port, method: options.method, path: options.path, headers: { ...options.headers, ...(options.body ? { 'content-length': String(options.body.length) } : {}) } }, (res) => {
      const chunks: Buffer[] = [];
      let failed = false;
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', () => (failed = true));
      res.on('aborted', () => (failed = true));
      res.on('close', () => {
        const body = Buffer.concat(chunks);
        const declared = Number(res.headers['content-length']);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, cutShort: failed || !res.complete || (Number.isFinite(declared) && body.length < declared) });
      });
    });
    // A response that is still coming wins over a write error (the server may answer and close early).
    req.on('error', () => setTimeout(() => resolve(undefined), 1000));
    if (options.abortAfter !== undefined && options.body) {
      req.write(options.body.subarray(0, options.abortAfter), () => setTimeout(() => req.destroy(), 50));
      return;
    }
    if (options.body) {
      req.end(options.body);
    } else {
      req.end();
    }
  });
}
