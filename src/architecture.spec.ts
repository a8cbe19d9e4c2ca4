import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';

/**
 * The layers of src/, lowest first. A file may import from its own layer or below, never above; and
 * imports never form a cycle. `common/errors` is the kernel everything may throw; the rest of `common/`
 * (idempotency, rate limits, the problem filter) sits on the database door.
 */
const LAYERS: string[][] = [
  ['config', 'common/errors'],
  ['database'],
  ['common'],
  ['access'],
  ['audit'],
  ['users', 'integrations', 'health', 'cases', 'subjects', 'organizations', 'selectors'],
  ['links', 'evidence'],
  ['tips'],
  ['search', 'rewards'],
  ['auth'],
  ['app'],
];

const SRC = __dirname;

function unitOf(file: string): string {
  const rel = relative(SRC, file);
  if (rel.startsWith('common/errors/')) return 'common/errors';
  const [first, ...rest] = rel.split('/');
  return rest.length === 0 ? 'app' : first;
}

const rankOf = (unit: string): number => {
  const rank = LAYERS.findIndex((layer) => layer.includes(unit));
  if (rank === -1) throw new Error(`src/${unit} is in no layer: add it to LAYERS in src/architecture.spec.ts`);
  return rank;
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith('.ts') && !name.endsWith('.spec.ts') ? [path] : [];
  });
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const found: string[] = [];
  for (const m of text.matchAll(/(?:from|import)\s+['"](\.{1,2}\/[^'"]+)['"]/g)) {
    const target = normalize(join(dirname(file), m[1]));
    found.push(statSafe(`${target}.ts`) ? `${target}.ts` : join(target, 'index.ts'));
  }
  return found;
}

function statSafe(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

describe('architecture of src/', () => {
  const files = sourceFiles(SRC);
  const graph = new Map(files.map((f) => [f, importsOf(f)]));

  it('never imports up the layers', () => {
    const upward = [...graph].flatMap(([from, targets]) =>
      targets.filter((to) => rankOf(unitOf(to)) > rankOf(unitOf(from))).map((to) => `${relative(SRC, from)} → ${relative(SRC, to)}`),
    );
    expect(upward).toEqual([]);
  });

  it('has no import cycle', () => {
    const cycles: string[] = [];
    const state = new Map<string, 'visiting' | 'done'>();
    const visit = (file: string, path: string[]): void => {
      if (state.get(file) === 'done') return;
      if (state.get(file) === 'visiting') {
        cycles.push([...path.slice(path.indexOf(file)), file].map((f) => relative(SRC, f)).join(' → '));
        return;
      }
      state.set(file, 'visiting');
      for (const next of graph.get(file) ?? []) visit(next, [...path, file]);
      state.set(file, 'done');
    };
    for (const file of graph.keys()) visit(file, []);
    expect(cycles).toEqual([]);
  });

  it('finds the layering rule broken when it is (the check itself can fail)', () => {
    expect(rankOf(unitOf(join(SRC, 'audit', 'x.ts')))).toBeGreaterThan(rankOf(unitOf(join(SRC, 'access', 'y.ts'))));
    expect(rankOf(unitOf(join(SRC, 'common', 'errors', 'domain.error.ts')))).toBeLessThan(rankOf(unitOf(join(SRC, 'database', 'database.ts'))));
  });
});
