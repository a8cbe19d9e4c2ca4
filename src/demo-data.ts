import { INestApplicationContext } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { SYSTEM_CONTEXT } from './audit/audit-trail.service';
import type { RequestContext, Role } from './access/request-context';
import { CaseRegistryService } from './cases/case-registry.service';
import { CasesService } from './cases/cases.service';
import { EvidenceService, UploadPart } from './evidence/evidence.service';
import { IntegrationsService } from './integrations/integrations.service';
import { LinksService } from './links/links.service';
import type { LinkKind } from './links/link-rules';
import type { CreateOrganizationDto } from './organizations/dto/organization.dto';
import { OrganizationsService } from './organizations/organizations.service';
import type { Page } from './common/pagination/keyset';
import type { OfferResponseDto } from './rewards/dto/offer.dto';
import { RewardsService } from './rewards/rewards.service';
import type { CreateSelectorDto } from './selectors/dto/selector.dto';
import { SelectorsService } from './selectors/selectors.service';
import type { CreateSubjectDto } from './subjects/dto/subject.dto';
import { SubjectsService } from './subjects/subjects.service';
import type { SubmitTipDto } from './tips/dto/intake.dto';
import { TipIntakeService } from './tips/tip-intake.service';
import { TipMatchingWorker } from './tips/tip-matching-worker.service';
import { UsersService } from './users/users.service';

/**
 * `npm run seed:demo`: the Silverstar registry and case from the public facts of DESIGN.md only (no invented
 * names), and a demo user per staff role with a password printed once; then what the public facts cannot give and
 * a newcomer needs to try the features, each plainly labelled DEMO and fictional: a few identifiers on reserved
 * example domains and the 555-01xx fictional phone range, demo evidence, and demo tips that name them (submitted
 * through the intake service, so they are extracted and matched like any tip). Idempotent: what exists (same name,
 * same value, same link, same username, same externalId) is left as it is. Every write goes through the services,
 * so it is validated and audited (actor: system, or the demo integration for the tips).
 */

const SOURCE = 'Indictment, U.S. District Court for the Eastern District of Missouri, December 2024 (public)';

const CHARGES = [
  { statute: '50 U.S.C. 1705', description: 'Conspiracy to violate the International Emergency Economic Powers Act (sanctions)', counts: 1 },
  { statute: '18 U.S.C. 1349', description: 'Wire fraud conspiracy', counts: 1 },
  { statute: '18 U.S.C. 1956(h)', description: 'Money laundering conspiracy', counts: 1 },
  { statute: '18 U.S.C. 1028(f)', description: 'Identity theft conspiracy', counts: 1 },
];

const COMPANIES: CreateOrganizationDto[] = [
  {
    name: 'Yanbian Silverstar',
    country: 'CN',
    kind: 'front_company',
    sanctions: [{ program: 'North Korea sanctions (U.S. Treasury)', list: 'OFAC Specially Designated Nationals and Blocked Persons List', date: null }],
    websites: [],
    description:
      'DPRK-controlled front company in China. With Volasys Silverstar, ran at least 130 "IT warriors" from April 2017 to March 2023 who held remote IT jobs at US companies under false, stolen and borrowed identities; at least USD 88 million generated. Sanctioned by the US Treasury before the indictment. Its seized websites are to be recorded from the seizure warrant.',
  },
  {
    name: 'Volasys Silverstar',
    country: 'RU',
    kind: 'front_company',
    sanctions: [{ program: 'North Korea sanctions (U.S. Treasury)', list: 'OFAC Specially Designated Nationals and Blocked Persons List', date: null }],
    websites: [],
    description:
      'DPRK-controlled front company in Russia, the partner of Yanbian Silverstar in the same scheme. Sanctioned by the US Treasury before the indictment. Its seized websites are to be recorded from the seizure warrant.',
  },
];

function defendant(n: number): CreateSubjectDto {
  return {
    fullName: `Unnamed defendant ${n}`,
    nationality: 'KP',
    dateOfBirth: null,
    status: 'charged',
    charges: CHARGES,
    indictment: { court: 'U.S. District Court for the Eastern District of Missouri', docketNumber: null, date: null },
    description:
      'One of the 14 North Korean nationals indicted in St. Louis in December 2024 for working for Yanbian Silverstar and Volasys Silverstar. Eight of the fourteen are also charged with aggravated identity theft (18 U.S.C. 1028A): record which eight from the indictment. Named "Unnamed defendant" until an investigator names them.',
  };
}

const SILVERSTAR_CASE = {
  title: 'Yanbian Silverstar and Volasys Silverstar: DPRK IT workers (E.D. Mo., December 2024)',
  summary:
    'Fourteen North Korean nationals indicted in St. Louis for a six-year scheme (April 2017 – March 2023) in which IT workers of two DPRK-controlled front companies held remote IT jobs at US companies under false, stolen and borrowed identities, earned at least USD 88 million, stole source code and extorted employers. The State Department offers up to USD 5 million for information.',
  sensitivity: 'confidential' as const,
};

const SILVERSTAR_OFFER = {
  program: 'Rewards for Justice',
  description:
    'The U.S. Department of State offers a reward of up to USD 5 million for information on the fourteen North Korean nationals indicted in December 2024 (E.D. Missouri) and on Yanbian Silverstar and Volasys Silverstar.',
  maxAmount: { amount: 500_000_000, currency: 'USD' },
};

const DEMO_LABEL = 'DEMO: fictional, made up by npm run seed:demo (not from the indictment)';

/** Fictional identifiers (reserved example domains, the 555-01xx range, a BIP-173 test address) and who uses them. */
const DEMO_SELECTORS: { selector: CreateSelectorDto; holder: { type: 'subject' | 'organization'; name: string }; link: LinkKind }[] = [
  { selector: { kind: 'email', value: 'it.warrior.demo@example.com' }, holder: { type: 'subject', name: 'Unnamed defendant 3' }, link: 'uses' },
  { selector: { kind: 'username', value: 'github:demo-it-warrior' }, holder: { type: 'subject', name: 'Unnamed defendant 3' }, link: 'uses' },
  { selector: { kind: 'phone', value: '+1 202-555-0142' }, holder: { type: 'subject', name: 'Unnamed defendant 5' }, link: 'uses' },
  { selector: { kind: 'domain', value: 'silverstar-demo.example.com' }, holder: { type: 'organization', name: 'Yanbian Silverstar' }, link: 'uses' },
  {
    selector: { kind: 'crypto_wallet', value: 'bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4' },
    holder: { type: 'organization', name: 'Volasys Silverstar' },
    link: 'owns',
  },
];

const DEMO_TIP = 'DEMO TIP (fictional, made up by npm run seed:demo; not real information):';

/** Demo tips naming the demo identifiers, some defanged, and the companies; the last repeats the third's tipster. */
const DEMO_TIPS: (SubmitTipDto & { externalId: string })[] = [
  {
    channel: 'web_form',
    externalId: 'seed-demo-1',
    narrative: `${DEMO_TIP} a remote developer our company hired in 2022 writes from it.warrior.demo (at) example (dot) com and his portfolio is hxxps://github[.]com/demo-it-warrior. His camera is never on and his pay goes to a different name.`,
    language: 'en',
    tipster: { anonymous: true },
    rewardInterest: false,
  },
  {
    channel: 'hotline',
    externalId: 'seed-demo-2',
    narrative: `${DEMO_TIP} my neighbour keeps a dozen company laptops running in his spare room. A man who calls from +1 (202) 555-0142 pays him every month; he said the work is for Yanbian Silverstar.`,
    language: 'en',
    occurredAt: '2023-02-01T00:00:00.000Z',
    tipster: { name: 'Demo Tipster One', phone: '+1 202-555-0100', contactPreference: 'phone' },
    rewardInterest: true,
  },
  {
    channel: 'email',
    externalId: 'seed-demo-3',
    narrative: `${DEMO_TIP} invoices from Volasys Silverstar asked us to pay to bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4, and the staff portal is hxxps://silverstar-demo[.]example[.]com/login.`,
    language: 'en',
    tipster: { name: 'Demo Tipster Two', email: 'demo.tipster@example.net', contactPreference: 'email' },
    rewardInterest: true,
  },
  {
    channel: 'partner',
    externalId: 'seed-demo-4',
    narrative: `${DEMO_TIP} a follow-up to my earlier message: a second payment went to the same wallet, bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4, last week.`,
    language: 'en',
    tipster: { email: 'demo.tipster@example.net', contactPreference: 'email' },
    rewardInterest: true,
  },
];

const DEMO_INTEGRATION = 'Demo reward web form (seed:demo)';

const DEMO_ROLES: Role[] = ['supervisor', 'investigator', 'analyst', 'intake', 'auditor'];

export async function seedDemo(app: INestApplicationContext, out: (line: string) => void): Promise<void> {
  const users = app.get(UsersService);
  const subjects = app.get(SubjectsService);
  const organizations = app.get(OrganizationsService);
  const links = app.get(LinksService);

  out('Demo users (passwords are shown once; an existing user keeps its password):');
  const demoIds = new Map<Role, string>();
  for (const role of DEMO_ROLES) {
    const username = `demo.${role}`;
    const password = `demo-${role}-${randomBytes(9).toString('base64url')}`;
    try {
      demoIds.set(role, (await users.create(SYSTEM_CONTEXT, { username, displayName: `Demo ${role}`, password, roles: [role] })).id);
      out(`  ${username.padEnd(18)} ${password}`);
    } catch (e) {
      if ((e as { code?: string }).code !== 'username-taken') throw e;
      out(`  ${username.padEnd(18)} (exists)`);
    }
  }

  const byName = async (kind: 'subject' | 'organization', name: string): Promise<string | undefined> => {
    const hits = kind === 'subject' ? await subjects.searchByName(name, 50) : await organizations.searchByName(name, 50);
    return hits.find((h) => h.label === name)?.id;
  };
  const companyIds: string[] = [];
  for (const company of COMPANIES) {
    const id = (await byName('organization', company.name)) ?? (await organizations.create(SYSTEM_CONTEXT, company)).id;
    companyIds.push(id);
    out(`organization ${company.name}: ${id}`);
  }
  let linked = 0;
  const subjectIds: string[] = [];
  for (let n = 1; n <= 14; n++) {
    const dto = defendant(n);
    const id = (await byName('subject', dto.fullName)) ?? (await subjects.create(SYSTEM_CONTEXT, dto)).id;
    subjectIds.push(id);
    const existing = await links.list({ entity: `subject:${id}`, kind: 'employed_by', limit: 100 });
    for (const companyId of companyIds) {
      if (existing.data.some((l) => l.to.id === companyId)) continue;
      await links.create(SYSTEM_CONTEXT, {
        kind: 'employed_by',
        from: { type: 'subject', id },
        to: { type: 'organization', id: companyId },
        validFrom: null,
        validTo: null,
        confidence: 0.5,
        source: SOURCE,
        description:
          "The indictment names the two companies as the defendants' employers (April 2017 – March 2023); which company each defendant worked for is to be confirmed, hence one link to each at confidence 0.5.",
      });
      linked += 1;
    }
  }
  out(`subjects Unnamed defendant 1…14 in place; ${linked} employed_by link(s) added.`);

  // Demo identifiers (fictional), each used or owned by a defendant or a company: what the demo tips name.
  const selectors = app.get(SelectorsService);
  const holderIds = new Map<string, string>([
    ...subjectIds.map((id, i) => [`subject:Unnamed defendant ${i + 1}`, id] as const),
    ...COMPANIES.map((c, i) => [`organization:${c.name}`, companyIds[i]] as const),
  ]);
  let selectorsAdded = 0;
  let selectorLinks = 0;
  for (const { selector, holder, link } of DEMO_SELECTORS) {
    const [existing] = (await selectors.list({ kind: selector.kind, value: selector.value, limit: 1 })).data;
    const selectorId = existing?.id ?? (await selectors.create(SYSTEM_CONTEXT, { ...selector, description: DEMO_LABEL })).id;
    if (!existing) selectorsAdded += 1;
    const holderId = holderIds.get(`${holder.type}:${holder.name}`)!;
    const held = await links.list({ entity: `${holder.type}:${holderId}`, kind: link, limit: 100 });
    if (held.data.some((l) => l.to.id === selectorId)) continue;
    await links.create(SYSTEM_CONTEXT, {
      kind: link,
      from: { type: holder.type, id: holderId },
      to: { type: 'selector', id: selectorId },
      validFrom: null,
      validTo: null,
      confidence: 0.9,
      source: DEMO_LABEL,
    });
    selectorLinks += 1;
  }
  out(`demo identifiers (fictional): ${DEMO_SELECTORS.length} in place (${selectorsAdded} added), ${selectorLinks} link(s) added.`);

  // The Silverstar case, opened by the demo supervisor, led by the demo investigator, with the analyst on it,
  // and the 14 defendants and both companies linked to it.
  for (const u of (await users.list({ limit: 100 })).data) if (u.username.startsWith('demo.')) demoIds.set(u.username.slice(5) as Role, u.id);
  const as = (role: Role): RequestContext => ({
    ...SYSTEM_CONTEXT,
    requestId: 'seed-demo',
    principal: { kind: 'user', id: demoIds.get(role)!, roles: [role] },
  });
  const cases = app.get(CasesService);
  const registry = app.get(CaseRegistryService);
  const supervisor = as('supervisor');
  const existingCase = (await cases.search(supervisor, SILVERSTAR_CASE.title, 5)).find((h) => h.case.title === SILVERSTAR_CASE.title)?.case;
  const silverstar = existingCase ?? (await cases.create(supervisor, { ...SILVERSTAR_CASE, leadInvestigatorId: demoIds.get('investigator') }));
  if (!existingCase) await cases.addMember(supervisor, silverstar.id, { userId: demoIds.get('analyst')!, role: 'member' });
  const onCase = new Set((await registry.list(supervisor, 'subject', silverstar.id, { limit: 100 })).data.map((l) => l.entityId));
  for (const id of subjectIds) if (!onCase.has(id)) await registry.link(supervisor, 'subject', silverstar.id, id, 'Defendant in the December 2024 indictment');
  const orgsOnCase = new Set((await registry.list(supervisor, 'organization', silverstar.id, { limit: 100 })).data.map((l) => l.entityId));
  for (const id of companyIds)
    if (!orgsOnCase.has(id)) await registry.link(supervisor, 'organization', silverstar.id, id, 'DPRK-controlled front company named in the indictment');
  out(`case ${silverstar.caseNumber} "${SILVERSTAR_CASE.title}": lead demo.investigator, member demo.analyst, 14 subjects and 2 organizations linked.`);

  // The State Department's offer: up to USD 5,000,000 for the fourteen defendants and both companies.
  const rewards = app.get(RewardsService);
  const offers: OfferResponseDto[] = [];
  let offerCursor: string | null = null;
  do {
    const page: Page<OfferResponseDto> = await rewards.listOffers({ limit: 100, cursor: offerCursor ?? undefined });
    offers.push(...page.data);
    offerCursor = page.nextCursor;
  } while (offerCursor);
  const existingOffer = offers.find(
    (o) =>
      o.program === SILVERSTAR_OFFER.program &&
      o.maxAmount.amount === SILVERSTAR_OFFER.maxAmount.amount &&
      o.maxAmount.currency === SILVERSTAR_OFFER.maxAmount.currency &&
      companyIds.every((id) => o.organizations.some((c) => c.id === id)),
  );
  const offer = existingOffer ?? (await rewards.createOffer(supervisor, { ...SILVERSTAR_OFFER, subjectIds, organizationIds: companyIds }));
  out(`reward offer ${offer.program}, ${offer.maxAmount.display}, covering ${offer.subjects.length} subjects and ${offer.organizations.length} organizations: ${offer.id}${existingOffer ? ' (exists)' : ''}`);

  // Demo evidence: plainly labelled files made now, and a physical item, with a short chain of custody.
  const investigator = as('investigator');
  const evidence = app.get(EvidenceService);
  const existingEvidence = await evidence.list(investigator, silverstar.id, { limit: 1 });
  if (existingEvidence.data.length === 0) {
    const label = `DEMO FILE made by npm run seed:demo on ${new Date().toISOString()}: not real evidence.`;
    const upload = (metadata: Record<string, unknown>, fileName: string, type: string, content: string) =>
      evidence.create(investigator, silverstar.id, {
        upload: {
          parts: (async function* (): AsyncGenerator<UploadPart> {
            yield { type: 'field', fieldname: 'metadata', value: JSON.stringify(metadata) };
            yield { type: 'file', fieldname: 'file', filename: fileName, mimetype: type, file: Readable.from([Buffer.from(content, 'utf8')]) };
          })(),
        },
      });
    const collectedAt = '2024-12-12T15:00:00.000Z';
    const email = await upload(
      {
        kind: 'communication',
        description: 'DEMO: an extortion e-mail of the kind the indictment describes (placeholder text)',
        collectedAt,
        collectedBy: 'Demo investigator',
        collectedFrom: 'Demo victim employer',
      },
      'demo-extortion-email.eml',
      'message/rfc822',
      `From: demo@example.invalid\r\nTo: demo-employer@example.invalid\r\nSubject: DEMO\r\n\r\n${label}\r\n`,
    );
    const ledger = await upload(
      {
        kind: 'financial_record',
        description: 'DEMO: bank transfer records (placeholder rows)',
        collectedAt,
        collectedBy: 'Demo investigator',
        collectedFrom: 'Demo bank, by subpoena',
      },
      'demo-transfers.csv',
      'text/csv',
      `# ${label}\ndate,amount_minor,currency,reference\n2023-01-15,500000,USD,DEMO-1\n`,
    );
    const laptop = await evidence.create(investigator, silverstar.id, {
      json: {
        kind: 'device',
        description: 'DEMO: an employer laptop recovered from a laptop farm (physical item, no file)',
        collectedAt,
        collectedBy: 'Demo investigator',
        collectedFrom: 'Demo laptop farm host',
      },
    });
    const at = (minutes: number): string => new Date(Date.parse(collectedAt) + minutes * 60_000).toISOString();
    await evidence.appendCustody(investigator, laptop.id, {
      event: 'sealed',
      occurredAt: at(30),
      location: 'Demo laptop farm host',
      purpose: 'Sealed at seizure',
      sealNumber: 'DEMO-SEAL-0001',
    });
    await evidence.appendCustody(investigator, laptop.id, {
      event: 'transferred',
      occurredAt: at(24 * 60),
      location: 'Demo field office',
      purpose: 'Handed to the analyst for imaging',
      toUserId: demoIds.get('analyst'),
    });
    await evidence.verify(investigator, email.id);
    out(
      `evidence ${email.evidenceNumber}, ${ledger.evidenceNumber} (demo files) and ${laptop.evidenceNumber} (a sealed laptop, transferred to demo.analyst) added.`,
    );
  } else {
    out('evidence: the case already has evidence; none added.');
  }
  // Demo tips (fictional) from a demo integration, through the intake service: extracted, matched to the demo
  // identifiers and companies, the last flagged as a possible duplicate of the third (same tipster). A tip whose
  // externalId the integration sent before is recognised by intake itself and not added again.
  const integrations = app.get(IntegrationsService);
  let integration: { id: string; name: string } | undefined;
  for (let cursor: string | undefined, more = true; more && !integration; ) {
    const page = await integrations.list({ limit: 100, cursor });
    integration = page.data.find((i) => i.name === DEMO_INTEGRATION && !i.revokedAt);
    cursor = page.nextCursor ?? undefined;
    more = cursor !== undefined;
  }
  if (integration) out(`integration "${DEMO_INTEGRATION}" (exists; its API key was shown when it was made)`);
  else {
    const created = await integrations.create(SYSTEM_CONTEXT, { name: DEMO_INTEGRATION });
    integration = created;
    out(`integration "${DEMO_INTEGRATION}": API key ${created.apiKey} (shown once; send it as X-API-Key to POST /api/v1/intake/tips)`);
  }
  const intake = app.get(TipIntakeService);
  const asIntegration: RequestContext = { ...SYSTEM_CONTEXT, requestId: 'seed-demo', principal: { kind: 'integration', id: integration.id, roles: [], name: integration.name } };
  const seededAt = Date.now();
  const receipts = [];
  for (const tip of DEMO_TIPS) receipts.push(await intake.submit(asIntegration, tip));
  // Matched in the background: wait for it, so the tips have their candidates when the seed ends.
  await app.get(TipMatchingWorker).drain();
  const added = receipts.filter((r) => Date.parse(r.receivedAt) >= seededAt).length;
  out(`demo tips (fictional): ${receipts.map((r) => r.reference).join(', ')} (${added} added); sign in as demo.intake and try GET /api/v1/tips.`);
  out(
    'Sign in as demo.investigator and try GET /api/v1/me/cases; as demo.analyst GET /api/v1/search?q=silverstar or GET /api/v1/graph?root=organization:<id>&depth=2; as demo.supervisor GET /api/v1/rewards/offers.',
  );
}
