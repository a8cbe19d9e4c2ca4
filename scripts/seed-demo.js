#!/usr/bin/env node
// Loads the demo data set (src/seed-demo.ts) from a fresh build: the Silverstar registry and a demo user per role.
const { execSync } = require('node:child_process');
execSync('npm run build --silent', { stdio: 'inherit' });
execSync('node dist/src/seed-demo.js', { stdio: 'inherit' });
