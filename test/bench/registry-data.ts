import { createHash } from 'node:crypto';
import { Client } from 'pg';

/**
 * Set-based generator of a registry the size the issue asks for (defaults; each configurable by env for
 * quick runs): BENCH_REGISTRY_SUBJECTS (100,000, with 3 aliases each), BENCH_REGISTRY_ORGANIZATIONS (10,000),
 * BENCH_REGISTRY_SELECTORS (1,000,000), BENCH_REGISTRY_LINKS (1,000,000). Ids are deterministic (UUIDv7-shaped
 * md5 of a prefix and a number) so links can address entities by number. Subject 1 is the well-connected hub.
 */
export interface RegistrySizes {
  subjects: number;
  organizations: number;
  selectors: number;
  links: number;
}

export function registrySizes(): RegistrySizes {
  const n = (name: string, fallback: number): number => Math.max(1, Number(process.env[name] ?? fallback));
  return {
    subjects: Math.max(100, n('BENCH_REGISTRY_SUBJECTS', 100_000)),
    organizations: Math.max(10, n('BENCH_REGISTRY_ORGANIZATIONS', 10_000)),
    selectors: Math.max(100, n('BENCH_REGISTRY_SELECTORS', 1_000_000)),
    links: Math.max(200, n('BENCH_REGISTRY_LINKS', 1_000_000)),
  };
}

/** The hub (subject 1), a searchable alias on it, and one known phone selector. */
export const HUB_ALIAS = 'Song Hwa Jong';
export const KNOWN_PHONE = '+12024561111';

const FAMILY = ['Kim', 'Ri', 'Pak', 'Choe', 'Jong', 'Kang', 'Han', 'Yun', 'Jang', 'Song', 'Im', 'O', 'So', 'Hwang', 'Ryu', 'Jon', 'Sin', 'Kwon', 'Hong', 'Mun', 'Yang', 'Ko', 'Nam', 'Cha'];
const SYLLABLES = ['chol', 'min', 'hyok', 'song', 'hwa', 'il', 'jin', 'ung', 'gwang', 'yong', 'su', 'nam', 'hyon', 'myong', 'ok', 'hui', 'chun', 'gyong', 'sok', 'bom', 'ryong', 'dok', 'hak', 'sun', 'yon', 'kuk', 'jun', 'thae', 'pyong', 'ho', 'man', 'se', 'u', 'dong', 'chang', 'bok', 'gum', 'rim', 'hyang', 'yong'];
const FIRST = ['John', 'James', 'Robert', 'Michael', 'David', 'Daniel', 'Kevin', 'Brian', 'Jason', 'Eric', 'Ryan', 'Adam', 'Alex', 'Chris', 'Mark', 'Paul', 'Peter', 'Scott', 'Steven', 'Tony'];
const LAST = ['Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Miller', 'Davis', 'Wilson', 'Anderson', 'Taylor', 'Thomas', 'Moore', 'Martin', 'Lee', 'Walker', 'Hall', 'Allen', 'Young', 'King', 'Wright'];
const CORP = ['Silverstar', 'Bluewave', 'Northpeak', 'Goldfield', 'Redriver', 'Greenway', 'Skyline', 'Brightsoft', 'Ironbridge', 'Eastgate', 'Sunrise', 'Moonlight', 'Starlink', 'Oceanic', 'Highland'];
const SUFFIX = ['Network Technology', 'Trading', 'Software', 'Consulting', 'IT Services', 'Holdings', 'Development', 'Solutions'];

const arr = (xs: string[]): string => `ARRAY[${xs.map((x) => `'${x}'`).join(',')}]::text[]`;

const PREP = `
CREATE OR REPLACE FUNCTION pg_temp.bid(prefix text, n bigint) RETURNS uuid LANGUAGE sql IMMUTABLE AS
  $$ SELECT overlay(overlay(md5(prefix || n) placing '7' from 13 for 1) placing '8' from 17 for 1)::uuid $$;
CREATE OR REPLACE FUNCTION pg_temp.pick(xs text[], n bigint) RETURNS text LANGUAGE sql IMMUTABLE AS
  $$ SELECT xs[1 + (abs(n) % cardinality(xs))] $$;
CREATE OR REPLACE FUNCTION pg_temp.h(n bigint, salt int) RETURNS bigint LANGUAGE sql IMMUTABLE AS
  $$ SELECT abs(hashint8(n * 7919 + salt))::bigint $$;`;

/** Inserts the registry in batches (set-based: INSERT … SELECT FROM generate_series). Returns seconds taken. */
export async function generateRegistry(databaseUrl: string, sizes: RegistrySizes, log: (s: string) => void): Promise<number> {
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  const start = performance.now();
  try {
    await db.query(PREP);
    const batches = async (total: number, step: number, fn: (from: number, to: number) => Promise<unknown>): Promise<void> => {
      for (let from = 1; from <= total; from += step) await fn(from, Math.min(total, from + step - 1));
    };
    log(`registry: ${sizes.subjects} subjects with 3 aliases each…`);
    const family = arr(FAMILY);
    const syl = arr(SYLLABLES);
    await batches(sizes.subjects, 50_000, (from, to) =>
      db.query(
        `INSERT INTO subject (id, full_name, aliases, nationality, status, charges)
         SELECT pg_temp.bid('s', g),
                CASE WHEN g = 1 THEN 'Unnamed defendant 1' ELSE f || ' ' || initcap(a) || '-' || b END,
                CASE WHEN g = 1 THEN jsonb_build_array(jsonb_build_object('name', $3::text, 'source', 'bench'), jsonb_build_object('name', 'Jong Song Hwa', 'source', 'bench'), jsonb_build_object('name', 'Hwa Song', 'source', 'bench'))
                     ELSE jsonb_build_array(
                       jsonb_build_object('name', initcap(a) || ' ' || initcap(b) || ' ' || f, 'source', 'bench'),
                       jsonb_build_object('name', pg_temp.pick(${arr(FIRST)}, pg_temp.h(g, 3)) || ' ' || pg_temp.pick(${arr(LAST)}, pg_temp.h(g, 4)) || ' ' || (g % 97), 'source', 'job site'),
                       jsonb_build_object('name', initcap(a) || initcap(b) || (g % 1000), 'source', 'e-mail')) END,
                CASE WHEN g % 10 = 0 THEN 'CN' ELSE 'KP' END,
                (ARRAY['unidentified', 'identified', 'charged', 'wanted'])[1 + g % 4],
                CASE WHEN g % 4 = 2 THEN '[{"statute": "18 U.S.C. 1349", "description": "Wire fraud conspiracy", "counts": 1}]'::jsonb ELSE '[]'::jsonb END
           FROM generate_series($1::bigint, $2::bigint) g,
                LATERAL (SELECT pg_temp.pick(${family}, pg_temp.h(g, 1)) AS f, pg_temp.pick(${syl}, pg_temp.h(g, 2)) AS a, pg_temp.pick(${syl}, pg_temp.h(g, 5)) AS b) n`,
        [from, to, HUB_ALIAS],
      ),
    );
    log(`registry: ${sizes.organizations} organizations…`);
    await batches(sizes.organizations, 50_000, (from, to) =>
      db.query(
        `INSERT INTO organization (id, name, aliases, country, kind)
         SELECT pg_temp.bid('o', g), pg_temp.pick(${arr(CORP)}, pg_temp.h(g, 6)) || ' ' || pg_temp.pick(${arr(SUFFIX)}, pg_temp.h(g, 7)) || ' ' || g,
                jsonb_build_array(jsonb_build_object('name', pg_temp.pick(${arr(CORP)}, pg_temp.h(g, 8)) || ' Co ' || g, 'source', 'bench')),
                (ARRAY['CN', 'RU', 'US', 'KP'])[1 + g % 4], (ARRAY['front_company', 'employer', 'facilitator', 'financial_institution', 'other'])[1 + g % 5]
           FROM generate_series($1::bigint, $2::bigint) g`,
        [from, to],
      ),
    );
    log(`registry: ${sizes.selectors} selectors…`);
    await batches(sizes.selectors, 200_000, (from, to) =>
      db.query(
        `INSERT INTO selector (id, kind, value, normalized_value, qualifier)
         SELECT pg_temp.bid('x', g), k.kind, k.v, k.v, k.q
           FROM generate_series($1::bigint, $2::bigint) g,
                LATERAL (SELECT CASE WHEN g = 1 THEN 'phone' ELSE (ARRAY['email', 'email', 'email', 'email', 'phone', 'phone', 'username', 'username', 'crypto_wallet', 'domain'])[1 + g % 10] END AS kind) kk,
                LATERAL (SELECT kk.kind,
                  CASE WHEN g = 1 THEN $3::text
                       WHEN kk.kind = 'email' THEN 'worker' || g || '@mail' || (g % 500) || '.com'
                       WHEN kk.kind = 'phone' THEN '+8613' || lpad(g::text, 9, '0')
                       WHEN kk.kind = 'username' THEN (ARRAY['github', 'upwork', 'linkedin', 'telegram'])[1 + g % 4] || ':dev' || g
                       WHEN kk.kind = 'crypto_wallet' THEN '0x' || md5('w' || g) || substr(md5('v' || g), 1, 8)
                       ELSE 'site' || g || '.com' END AS v,
                  CASE WHEN kk.kind = 'username' THEN (ARRAY['github', 'upwork', 'linkedin', 'telegram'])[1 + g % 4] WHEN kk.kind = 'crypto_wallet' THEN 'ethereum' END AS q) k`,
        [from, to, KNOWN_PHONE],
      ),
    );
    log(`registry: ${sizes.links} links…`);
    const s = sizes.subjects;
    const o = sizes.organizations;
    const x = sizes.selectors;
    // Hub: 30 associates and 20 selectors. Then employed_by (one per subject), uses (subject → selector) and
    // associate_of (subject → subject) at random, up to the total.
    await db.query(
      `INSERT INTO link (id, kind, from_type, from_id, to_type, to_id, confidence, source)
       SELECT pg_temp.bid('hub', g), CASE WHEN g <= 30 THEN 'associate_of' ELSE 'uses' END, 'subject', pg_temp.bid('s', 1),
              CASE WHEN g <= 30 THEN 'subject' ELSE 'selector' END,
              CASE WHEN g <= 30 THEN pg_temp.bid('s', 2 + pg_temp.h(g, 11) % ($1::bigint - 1)) ELSE pg_temp.bid('x', 2 + pg_temp.h(g, 12) % ($2::bigint - 1)) END, 0.8, 'bench'
         FROM generate_series(1, 50) g ON CONFLICT DO NOTHING`,
      [s, x],
    );
    const rest = Math.max(0, sizes.links - 50);
    await batches(rest, 200_000, (from, to) =>
      db.query(
        `INSERT INTO link (id, kind, from_type, from_id, to_type, to_id, confidence, source)
         SELECT pg_temp.bid('l', g), k, 'subject', pg_temp.bid('s', 2 + pg_temp.h(g, 21) % ($3::bigint - 1)),
                CASE k WHEN 'employed_by' THEN 'organization' WHEN 'uses' THEN 'selector' ELSE 'subject' END,
                CASE k WHEN 'employed_by' THEN pg_temp.bid('o', 1 + pg_temp.h(g, 22) % $4::bigint)
                       WHEN 'uses' THEN pg_temp.bid('x', 2 + pg_temp.h(g, 23) % ($5::bigint - 1))
                       ELSE pg_temp.bid('s', (1 + pg_temp.h(g, 21) % ($3::bigint - 1) + 1 + pg_temp.h(g, 24) % ($3::bigint - 1)) % $3::bigint + 1) END,
                0.5 + (g % 50) / 100.0, 'bench'
           FROM generate_series($1::bigint, $2::bigint) g,
                LATERAL (SELECT CASE WHEN g % 10 = 0 THEN 'employed_by' WHEN g % 10 < 8 THEN 'uses' ELSE 'associate_of' END AS k) kk`,
        [from, to, s, o, x],
      ),
    );
    log('registry: ANALYZE…');
    await db.query('ANALYZE subject, subject_name, organization, organization_name, selector, link');
    return (performance.now() - start) / 1000;
  } finally {
    await db.end();
  }
}

/** EXPLAIN (ANALYZE, BUFFERS) of a statement, as text. */
export async function explain(databaseUrl: string, sql: string, values: unknown[]): Promise<string> {
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    const { rows } = await db.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ${sql}`, values);
    return rows.map((r) => r['QUERY PLAN']).join('\n');
  } finally {
    await db.end();
  }
}

export const benchId = (prefix: string, n: number): string => {
  const hex = createHash('md5').update(`${prefix}${n}`).digest('hex');
  const v = `${hex.slice(0, 12)}7${hex.slice(13, 16)}8${hex.slice(17)}`;
  return `${v.slice(0, 8)}-${v.slice(8, 12)}-${v.slice(12, 16)}-${v.slice(16, 20)}-${v.slice(20)}`;
};
