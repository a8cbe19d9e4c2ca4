import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.data/**', 'coverage/**', '*.js', '*.mjs', 'src/metadata.ts', 'test/client/generated/**'] },
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-extraneous-class': 'off',
      '@typescript-eslint/unbound-method': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true }],
    },
  },
  {
    // One database door: services, controllers, jobs, guards and strategies reach PostgreSQL only through
    // their feature's repositories.
    files: ['src/**/*.service.ts', 'src/**/*.controller.ts', 'src/**/*.jobs.ts', 'src/**/*.guard.ts', 'src/auth/strategies/*.ts', 'src/**/*.interceptor.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'typeorm', message: 'No DataSource, EntityManager or typeorm errors here: go through a repository (database errors become domain errors there).' },
            { name: 'pg', message: 'No pg here: go through a repository.' },
          ],
          patterns: [
            { group: ['**/database/database', '**/database/pg-pool', '**/database/data-source-options'], allowTypeImports: true, message: 'Only repositories run statements: inject a repository (or Locks for an advisory lock).' },
            { group: ['../*/*.repository', '../../*/*.repository', '../*/*.entity', '../../*/*.entity'], message: "Another feature's repositories and entities are its own: call its service." },
          ],
        },
      ],
    },
  },
  {
    // A feature's repositories and entities are its own, whatever the file.
    files: ['src/**/*.ts'],
    // Entities may reference each other's tables for foreign keys.
    ignores: ['src/**/*.entity.ts', 'src/**/*.service.ts', 'src/**/*.controller.ts', 'src/**/*.jobs.ts', 'src/**/*.guard.ts', 'src/auth/strategies/*.ts', 'src/**/*.interceptor.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { patterns: [{ group: ['../*/*.repository', '../../*/*.repository', '../*/*.entity', '../../*/*.entity'], message: "Another feature's repositories and entities are its own: call its service." }] },
      ],
    },
  },
);
