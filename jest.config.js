/** One jest run for the unit specs (beside the code) and the e2e specs (test/), on a real PostgreSQL. */
const { availableParallelism } = require('node:os');

const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
      keepClassNames: true,
    },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  },
];

module.exports = {
  rootDir: __dirname,
  testEnvironment: 'node',
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.e2e-spec.ts'],
  transform: { '^.+\\.(t|j)s$': swc, '^.+\\.mjs$': swc },
  // Nest 12 and a few others ship ESM only: transform them to CommonJS for jest.
  transformIgnorePatterns: ['/node_modules/(?!(@nestjs|uuid|@noble|@scure|file-type|strtok3|token-types|@tokenizer|uint8array-extras|@borewit|content-disposition|cookie)/)'],
  moduleFileExtensions: ['ts', 'js', 'mjs', 'cjs', 'json'],
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  // file-type 21 (pinned for Node 20: package.json overrides) offers CommonJS callers only its `module-sync`
  // export, which Node 20.19+ follows and jest's resolver does not: point jest at that file (transformed above).
  moduleNameMapper: { '^file-type$': '<rootDir>/node_modules/file-type/index.js' },
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  resolver: '<rootDir>/test/support/jest-resolver.js',
  testTimeout: 30_000,
  // The same everywhere (no CI-only setting): at least two workers (a 2-core machine runs the suite faster
  // with two than in band), half the cores on bigger machines. A closed app leaves nothing running, so the
  // run exits by itself in band too (`npx jest -i`); .ci/run fails when jest reports a handle left open.
  maxWorkers: Math.max(2, Math.ceil(availableParallelism() / 2)),
  // A worker that still holds a handle never exits and is reported ("failed to exit gracefully": .ci/run
  // fails on it). Jest's default grace of 500 ms also reports workers that are merely slow to exit on a
  // loaded 2-core machine (seen with no handle left at the end of any file, and --detectOpenHandles finding
  // none); seen past 5 s once under a full CI load, so 20 s tells the two apart.
  workerGracefulExitTimeout: 20_000,
  verbose: false,
};
