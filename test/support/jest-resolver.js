/**
 * Jest resolves `./x.js` in our TypeScript sources (src/, test/) to `./x.ts`, as TypeScript's nodenext resolution does:
 * the swagger plugin's generated src/metadata.ts and the generated client import their files that way.
 */
const { join, sep } = require('node:path');

const ROOT = join(__dirname, '..', '..');
const OURS = ['src', 'test'].map((dir) => join(ROOT, dir) + sep);

module.exports = (request, options) => {
  if (OURS.some((dir) => (options.basedir + sep).startsWith(dir)) && /^\.\.?\/.*\.js$/.test(request)) {
    try {
      return options.defaultResolver(request, options);
    } catch {
      return options.defaultResolver(request.replace(/\.js$/, '.ts'), options);
    }
  }
  return options.defaultResolver(request, options);
};
