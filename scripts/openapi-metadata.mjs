#!/usr/bin/env node
// Writes src/metadata.ts: what the @nestjs/swagger CLI plugin (nest-cli.json) learns from the DTOs and
// controllers (types, required, class-validator bounds, comments), as data that SwaggerModule.loadPluginMetadata
// loads at run time — so the document is the same whether tsc, nest build or SWC (the tests) compiled the code.
// `node scripts/openapi-metadata.mjs --out-dir DIR` writes it elsewhere (the staleness test compares the two).
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PluginMetadataGenerator } from '@nestjs/cli/lib/compiler/plugins/plugin-metadata-generator.js';
import { ReadonlyVisitor } from '@nestjs/swagger/plugin';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outFlag = process.argv.indexOf('--out-dir');
const outputDir = outFlag > 0 ? resolve(process.argv[outFlag + 1]) : join(root, 'src');
const cli = JSON.parse(readFileSync(join(root, 'nest-cli.json'), 'utf8'));
const plugin = cli.compilerOptions.plugins.find((p) => (typeof p === 'string' ? p : p.name) === '@nestjs/swagger');
if (!plugin) throw new Error('nest-cli.json declares no @nestjs/swagger plugin');

process.chdir(root);
new PluginMetadataGenerator().generate({
  visitors: [new ReadonlyVisitor({ ...(plugin.options ?? {}), pathToSource: join(root, 'src') })],
  outputDir,
  filename: 'metadata.ts',
  tsconfigPath: 'tsconfig.build.json',
  printDiagnostics: false,
});
