import 'reflect-metadata';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { openApiDocumentWithoutDatabase } from './app.setup';

/**
 * `npm run openapi:write [-- <file>]`: the OpenAPI document the service serves at /openapi.json, written to a
 * file (default dist/openapi.json) without a database — for Spectral (`npm run lint:openapi`) and the client
 * generator (`npm run client:generate`).
 */
async function main(): Promise<void> {
  const out = resolve(process.argv[2] ?? 'dist/openapi.json');
  const document = await openApiDocumentWithoutDatabase();
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(document, null, 2)}\n`);
  process.stdout.write(`wrote ${out}: ${Object.keys(document.paths).length} paths\n`);
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`openapi:write failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  },
);
