import { Client } from 'pg';

/** Sizes of the generated case data (env, so a quick run is possible). Defaults: the sizes. */
export interface CaseDataSizes {
  cases: number;
  membersPerCase: number;
  notesPerCase: number;
  tasksPerCase: number;
  /** Cases of the benchmark's investigator (the "investigator on 300 cases"). */
  investigatorCases: number;
}

export function caseDataSizes(env: NodeJS.ProcessEnv = process.env): CaseDataSizes {
  const n = (name: string, fallback: number): number => {
    const value = Number(env[name] ?? fallback);
    if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a whole number`);
    return value;
  };
  return {
    cases: n('BENCH_CASES', 100_000),
    membersPerCase: Math.max(1, n('BENCH_MEMBERS_PER_CASE', 10)),
    notesPerCase: n('BENCH_NOTES_PER_CASE', 10),
    tasksPerCase: n('BENCH_TASKS_PER_CASE', 5),
    investigatorCases: n('BENCH_INVESTIGATOR_CASES', 300),
  };
}

/**
 * Generates cases, memberships, notes and tasks set-based (generate_series, one statement per table) on the
 * bench database, then ANALYZE. Every case has `membersPerCase` members (a lead, members and viewers) drawn
 * from generated investigators; `investigatorId` is also a member of `investigatorCases` of them, with two
 * open tasks on each. Returns what it took.
 */
export async function generateCaseData(databaseUrl: string, sizes: CaseDataSizes, investigatorId: string, log: (line: string) => void): Promise<{ seconds: number }> {
  const db = new Client({ connectionString: databaseUrl, statement_timeout: 0 });
  await db.connect();
  const start = performance.now();
  const step = async (what: string, sql: string, values: unknown[] = []): Promise<void> => {
    const t0 = performance.now();
    const result = await db.query(sql, values);
    log(`bench: ${what}: ${result.rowCount ?? 0} rows in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  };
  try {
    const users = Math.max(sizes.membersPerCase * 10, Math.ceil(sizes.cases / 50));
    const stride = Math.floor(users / sizes.membersPerCase);
    await step(
      'users',
      `INSERT INTO app_user (id, username, display_name, password_hash, roles)
       SELECT gen_random_uuid(), 'bench.gen.' || g, 'Bench investigator ' || g, '!', ARRAY['investigator'] FROM generate_series(1, $1::int) g`,
      [users],
    );
    await db.query(`CREATE TEMP TABLE bu AS SELECT (row_number() OVER (ORDER BY id) - 1)::int AS n, id FROM app_user WHERE username LIKE 'bench.gen.%'`);
    await db.query('CREATE UNIQUE INDEX ON bu (n)');
    // ~9,091 cases a year over 11 years for 100,000: numbers stay four digits.
    await db.query(
      `CREATE TEMP TABLE bc AS SELECT (g - 1)::int AS n, gen_random_uuid() AS id, (2015 + (g - 1) % 11)::smallint AS year, ((g - 1) / 11 + 1)::int AS seq FROM generate_series(1, $1::int) g`,
      [sizes.cases],
    );
    await db.query('CREATE UNIQUE INDEX ON bc (n)');
    await step(
      'cases',
      `INSERT INTO case_file (id, case_number, number_year, number_seq, title, summary, status, sensitivity, lead_investigator_id, created_by, created_at, updated_at, last_activity_at)
       SELECT bc.id, format('CF-%s-%s', bc.year, lpad(bc.seq::text, 4, '0')), bc.year, bc.seq,
              'Bench case ' || bc.n || ' ' || (ARRAY['laptop farm', 'wire fraud', 'sanctions evasion', 'identity theft', 'money laundering'])[1 + bc.n % 5],
              'Generated for the benchmark', (ARRAY['open', 'active', 'closed'])[1 + bc.n % 3], (ARRAY['restricted', 'confidential', 'secret'])[1 + bc.n % 3],
              bu.id, bu.id, now() - make_interval(days => bc.n % 3000), now(), now() - make_interval(secs => (bc.n * 7919) % 31536000)
         FROM bc JOIN bu ON bu.n = bc.n % $1::int`,
      [users],
    );
    await step(
      'memberships',
      `INSERT INTO case_member (case_id, user_id, role)
       SELECT bc.id, bu.id, CASE WHEN k = 0 THEN 'lead' WHEN k % 4 = 3 THEN 'viewer' ELSE 'member' END
         FROM bc CROSS JOIN generate_series(0, $2::int - 1) k JOIN bu ON bu.n = (bc.n + k * $3::int) % $1::int`,
      [users, sizes.membersPerCase, stride],
    );
    const every = Math.max(1, Math.floor(sizes.cases / Math.max(1, sizes.investigatorCases)));
    await db.query(`CREATE TEMP TABLE binv AS SELECT bc.id, bc.n FROM bc WHERE bc.n % $1::int = 0 ORDER BY bc.n LIMIT $2::int`, [every, sizes.investigatorCases]);
    await step(`the investigator's memberships`, `INSERT INTO case_member (case_id, user_id, role) SELECT id, $1, 'member' FROM binv`, [investigatorId]);
    await step(
      'notes',
      `INSERT INTO case_note (id, case_id, author_id, body, created_at)
       SELECT gen_random_uuid(), bc.id, bu.id, 'Bench note ' || k || ' on case ' || bc.n || ': a laptop farm host was paid through a payment platform.', now() - make_interval(mins => k)
         FROM bc CROSS JOIN generate_series(0, $2::int - 1) k JOIN bu ON bu.n = (bc.n + (k % $4::int) * $3::int) % $1::int`,
      [users, sizes.notesPerCase, stride, sizes.membersPerCase],
    );
    await step(
      'tasks',
      `INSERT INTO case_task (id, case_id, title, assignee_id, due_date, status, created_by)
       SELECT gen_random_uuid(), bc.id, 'Bench task ' || k, bu.id, CASE WHEN k % 5 = 4 THEN NULL ELSE current_date + ((bc.n + k * 13) % 120 - 30) END,
              CASE WHEN k % 3 = 0 THEN 'done' ELSE 'open' END, bu.id
         FROM bc CROSS JOIN generate_series(0, $2::int - 1) k JOIN bu ON bu.n = (bc.n + (k % $4::int) * $3::int) % $1::int`,
      [users, sizes.tasksPerCase, stride, sizes.membersPerCase],
    );
    await step(
      `the investigator's tasks`,
      `INSERT INTO case_task (id, case_id, title, assignee_id, due_date, status, created_by)
       SELECT gen_random_uuid(), binv.id, 'Bench task for the investigator ' || k, $1, current_date + ((binv.n + k) % 60 - 10), 'open', $1
         FROM binv CROSS JOIN generate_series(0, 1) k`,
      [investigatorId],
    );
    await step('number counters', `INSERT INTO case_number_counter (year, last_seq) SELECT year, max(seq) FROM bc GROUP BY year ON CONFLICT (year) DO UPDATE SET last_seq = greatest(case_number_counter.last_seq, excluded.last_seq)`);
    await step('analyze', 'ANALYZE app_user, case_file, case_member, case_note, case_task, case_number_counter');
    return { seconds: (performance.now() - start) / 1000 };
  } finally {
    await db.end();
  }
}
