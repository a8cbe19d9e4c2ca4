import { randomInt, randomUUID } from 'node:crypto';
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

/** Words every narrative uses (about four in ten words of English prose), and content words, made up and deterministic. */
const COMMON = (
  'the a an and or but of to in on at by for with from as is was were be been he she they we it his her their our this that ' +
  'who which said told me my him them there here not no all some when then after before about into over out up'
).split(' ');
const CONTENT = Array.from({ length: 5000 }, (_, i) => {
  const letters = 'bcdfghjklmnprstvwz';
  const vowels = 'aeiou';
  let word = '';
  for (let n = i + 7, k = 0; k < 2 + (i % 3); k++, n = Math.floor(n / 7) + k * 13) word += letters[n % letters.length] + vowels[(n >> 2) % vowels.length];
  return word + (i % 4 === 0 ? 'er' : i % 4 === 1 ? 'ed' : '');
});
const recent: string[] = [];

/**
 * A bench tip's narrative, as a public flood brings them: mostly a story of its own (30–60 words of made-up prose), one in
 * ten a light edit of one of the last hundred (a retry through another channel, a campaign), each naming a few
 * identifiers (a defanged e-mail and domain, a wallet, a phone) and a name, so extraction and matching run in full. A
 * benchmark of near-identical narratives only would never measure the duplicate check on what it mostly sees: tips with
 * no near duplicate.
 */
export function benchNarrative(): string {
  const n = randomUUID().slice(0, 8);
  let story: string;
  if (recent.length > 0 && randomInt(10) === 0) {
    const words = recent[randomInt(recent.length)].split(' ');
    words[randomInt(words.length)] = CONTENT[randomInt(CONTENT.length)];
    story = words.join(' ');
  } else {
    story = Array.from({ length: 30 + randomInt(31) }, () => (randomInt(10) < 4 ? COMMON[randomInt(COMMON.length)] : CONTENT[randomInt(CONTENT.length)])).join(' ');
    recent.push(story);
    if (recent.length > 100) recent.shift();
  }
  return (
    `Tip ${n}: ${story}. Our remote hire "Alex" writes from it.warrior${n} (at) example (dot) com, logs in through hxxps://portal-${n}[.]example[.]org, ` +
    `asked to be paid to bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4 and gave +1 202 555 0142 as his number. He said Song Hwa Jong of Yanbian Silverstar hired him.`
  );
}
