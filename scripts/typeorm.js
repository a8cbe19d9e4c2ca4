#!/usr/bin/env node
// Runs the migration CLI (src/database/migration.cli.ts) from a fresh build.
const { execSync } = require('node:child_process');
execSync('npm run build --silent', { stdio: 'inherit' });
execSync(`node dist/src/database/migration.cli.js ${process.argv.slice(2).map((a) => JSON.stringify(a)).join(' ')}`, { stdio: 'inherit' });
