#!/usr/bin/env node
// Seals every tipster identity still under an older FIELD_ENCRYPTION_KEY with the current one (src/tips-reencrypt.ts), from a fresh build.
const { execSync } = require('node:child_process');
execSync('npm run build --silent', { stdio: 'inherit' });
execSync('node dist/src/tips-reencrypt.js', { stdio: 'inherit' });
