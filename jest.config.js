/** One jest run for the unit specs (beside the code) and the e2e specs (test/), on a real PostgreSQL. */
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
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  testTimeout: 30_000,
  maxWorkers: process.env.CI ? 2 : '50%',
  verbose: false,
};
