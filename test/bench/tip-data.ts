import { Client } from 'pg';

/** How many tips the triage-queue benchmark generates (BENCH_TIPS, default 1,000,000). */
export function tipCount(): number {
  return Number(process.env.BENCH_TIPS ?? 1_000_000);
}

/**
 * Generates `n` anonymous tips set-based (one INSERT … SELECT generate_series), spread over priorities,
 * statuses, channels and the last 60 days, submitted by `integrationId`. The narrative trigram index is
 * dropped during the load and rebuilt after it (as a bulk import would). Returns the seconds it took.
 */
export async function generateTips(databaseUrl: string, n: number, integrationId: string, log: (line: string) => void): Promise<number> {
  const started = Date.now();
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query('SET statement_timeout = 0');
    const [{ def }] = (await client.query<{ def: string }>(`SELECT indexdef AS def FROM pg_indexes WHERE indexname = 'idx_tip_narrative_trgm'`)).rows;
    await client.query('DROP INDEX idx_tip_narrative_trgm');
    const step = 250_000;
    for (let from = 1; from <= n; from += step) {
      const to = Math.min(n, from + step - 1);
      await client.query(
        `INSERT INTO tip (id, reference, integration_id, external_id, channel, narrative, anonymous, priority, status, received_at, candidate_count)
         SELECT gen_random_uuid(), 'TIP-Z' || upper(lpad(to_hex(i), 7, '0')), $1, 'bench-' || i,
                (ARRAY['web_form', 'hotline', 'email', 'partner'])[1 + i % 4],
                'Generated tip ' || i || ': a remote developer paid through a freelance platform may be an IT worker for a front company.',
                true, 1 + (i::bigint * 7919) % 4, (ARRAY['received', 'triaged', 'assigned', 'closed'])[1 + (i / 3) % 4],
                now() - make_interval(secs => (i * 5.184)::int), (i % 10 = 0)::int
           FROM generate_series($2::int, $3::int) AS i`,
        [integrationId, from, to],
      );
      log(`tips: ${to.toLocaleString('en')} of ${n.toLocaleString('en')}`);
    }
    await client.query(def);
    await client.query('ANALYZE tip');
  } finally {
    await client.end();
  }
  return (Date.now() - started) / 1000;
}
