#!/usr/bin/env node
// Generates the typed client (test/client/generated, `npm run client:generate`) when it is missing or older than
// what it is generated from: the sources under src/, nest-cli.json and package.json. The test run (jest's global
// setup), `npm run typecheck` and `npm run lint` call it, so a fresh clone needs no step of its own.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const generated = join(root, 'test', 'client', 'generated', 'sdk.gen.ts');

function newest(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(path).reduce((latest, name) => Math.max(latest, newest(join(path, name))), 0);
}

const sources = Math.max(newest(join(root, 'src')), newest(join(root, 'nest-cli.json')), newest(join(root, 'package.json')));
if (existsSync(generated) && statSync(generated).mtimeMs >= sources) process.exit(0);
process.stdout.write('Generating the typed client from the OpenAPI document (npm run client:generate)…\n');
const run = spawnSync('npm', ['run', '--silent', 'client:generate'], { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
process.exit(run.status ?? 1);
