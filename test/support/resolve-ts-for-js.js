/**
 * For src/main.ts run through ts-node (test/support/main-process.ts): `require('./x.js')` from our sources finds
 * `./x.ts` when there is no `./x.js`, as TypeScript's nodenext resolution does (the swagger plugin's generated
 * src/metadata.ts imports the DTO files that way). The jest counterpart is test/support/jest-resolver.js.
 */
const Module = require('node:module');
const { join, sep } = require('node:path');

const OURS = ['src', 'test'].map((dir) => join(__dirname, '..', '..', dir) + sep);
const resolve = Module._resolveFilename;

Module._resolveFilename = function resolveTsForJs(request, parent, ...rest) {
  try {
    return resolve.call(this, request, parent, ...rest);
  } catch (error) {
    const ours = parent?.filename && OURS.some((dir) => parent.filename.startsWith(dir));
    if (!ours || !/^\.\.?\/.*\.js$/.test(request)) throw error;
    return resolve.call(this, request.replace(/\.js$/, '.ts'), parent, ...rest);
  }
};
