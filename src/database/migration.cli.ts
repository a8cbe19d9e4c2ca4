import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DataSource } from 'typeorm';
import { loadEnvironment } from '../config/environment';
import { loadSecrets } from '../config/secrets';
import { dataSourceOptions } from './data-source-options';
import { EmbeddedDatabase } from './embedded-postgres';
import { runMigrations } from './migrator';

/** The SQL that would bring the database in line with the entities (empty when they agree). */
export async function pendingSchemaChanges(dataSource: DataSource): Promise<{ up: string[]; down: string[] }> {
  const sql = await dataSource.driver.createSchemaBuilder().log();
  return { up: sql.upQueries.map((q) => q.query), down: sql.downQueries.map((q) => q.query) };
}

function migrationSource(name: string, timestamp: number, up: string[], down: string[]): string {
  const q = (s: string): string => `    await queryRunner.query(\`${s.replace(/`/g, '\\`')}\`);`;
  return `import { MigrationInterface, QueryRunner } from 'typeorm';

export class ${name}${timestamp} implements MigrationInterface {
  name = '${name}${timestamp}';

  public async up(queryRunner: QueryRunner): Promise<void> {
${up.map(q).join('\n')}
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
${down.reverse().map(q).join('\n')}
  }
}
`;
}

/** `run` | `revert` | `show` | `generate <Name>` against DATABASE_URL, or the embedded database in DATA_DIR. */
async function main(): Promise<void> {
  const [command, name] = process.argv.slice(2);
  const env = loadEnvironment(process.env);
  let embedded: EmbeddedDatabase | undefined;
  let url = env.DATABASE_URL;
  if (!url) {
    const dataDir = resolve(env.DATA_DIR);
    embedded = new EmbeddedDatabase({ dir: join(dataDir, 'pg'), password: loadSecrets(dataDir, env).secrets.embeddedDbPassword });
    url = await embedded.start();
  }
  const dataSource = new DataSource(dataSourceOptions({ url, statementTimeoutMs: 600_000, poolSize: 2, applicationName: 'casefile-cli' }));
  await dataSource.initialize();
  try {
    switch (command) {
      case 'run': {
        const applied = await runMigrations(dataSource);
        console.log(applied.length ? `applied: ${applied.join(', ')}` : 'nothing to apply');
        break;
      }
      case 'revert':
        await dataSource.undoLastMigration({ transaction: 'each' });
        console.log('reverted the last migration');
        break;
      case 'show':
        await dataSource.showMigrations();
        break;
      case 'generate': {
        if (!name || !/^[A-Z][A-Za-z0-9]+$/.test(name)) throw new Error('usage: migration:generate <PascalCaseName>');
        await runMigrations(dataSource);
        const { up, down } = await pendingSchemaChanges(dataSource);
        if (up.length === 0) {
          console.log('the entities and the migrations agree: nothing to generate');
          break;
        }
        const ts = Date.now();
        const file = join(__dirname, '..', '..', '..', 'migrations', `${ts}-${name}.ts`);
        writeFileSync(file, migrationSource(name, ts, up, down));
        console.log(`wrote ${file}: review it by hand before committing`);
        break;
      }
      default:
        throw new Error('usage: run | revert | show | generate <Name>');
    }
  } finally {
    await dataSource.destroy();
    await embedded?.stop();
  }
}

if (require.main === module) {
  main().catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
