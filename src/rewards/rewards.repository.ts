import { Injectable } from '@nestjs/common';
import { TIP_VISIBLE_SQL } from '../access/tip-visibility';
import { minorUnitsFromDatabase } from '../common/money';
import { Database, Tx } from '../database/database';
import type { ClaimState } from './reward-claim.entity';
import type { OfferStatus } from './reward-offer.entity';
import {
  CapExceededError,
  ClaimExistsError,
  InvalidClaimTransitionError,
  OfferReferenceNotFoundError,
  PaymentReferenceUsedError,
  RegistryEntityNotFoundError,
  SeparationOfDutiesError,
} from './rewards.errors';

/** An offer with its totals (money as exact numbers of minor units) and what it covers. */
export interface OfferRecord {
  id: string;
  program: string;
  description: string;
  maxAmount: number;
  currency: string;
  committedAmount: number;
  paidAmount: number;
  status: OfferStatus;
  closedAt: Date | null;
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
  version: number;
  subjectIds: string[];
  organizationIds: string[];
}

/** What a change under the offer's row lock needs. */
export type LockedOffer = Pick<OfferRecord, 'id' | 'maxAmount' | 'currency' | 'committedAmount' | 'status' | 'version'>;

export interface ClaimRecord {
  id: string;
  offerId: string;
  program: string;
  tipId: string;
  amount: number;
  currency: string;
  justification: string;
  state: ClaimState;
  recommendedBy: string;
  recommendedAt: Date;
  approvedBy: string | null;
  approvedAt: Date | null;
  approvalNote: string | null;
  deniedBy: string | null;
  deniedAt: Date | null;
  denialReason: string | null;
  paidBy: string | null;
  paidAt: Date | null;
  paymentReference: string | null;
  paymentRecordedAt: Date | null;
  updatedAt: Date;
  version: number;
}

export interface NewOffer {
  id: string;
  program: string;
  description: string;
  maxAmount: number;
  currency: string;
  createdBy: string;
  subjectIds: string[];
  organizationIds: string[];
}

export interface NewClaim {
  id: string;
  offerId: string;
  tipId: string;
  amount: number;
  justification: string;
  recommendedBy: string;
}

/** Who is asking, for the claim list's need-to-know (a claim is visible exactly when its tip is). */
export interface ClaimViewer {
  userId: string;
  /** Supervisors: every claim. */
  seesAll: boolean;
  /** Staff who triage: claims on tips not linked to a case. */
  triage: boolean;
}

export interface ClaimFilter {
  offerId?: string;
  state?: ClaimState;
  recommendedBy?: string;
}

/** A state change of a claim, with who and what goes with it. */
export type ClaimTransition =
  | { to: 'approved'; by: string; note: string | null }
  | { to: 'denied'; by: string; reason: string }
  | { to: 'paid'; by: string; paidAt: Date; paymentReference: string };

type Raw<T, K extends keyof T> = Omit<T, K> & Record<K, string>;

const OFFER_BASE = `o.id, o.program, o.description, o.max_amount AS "maxAmount", o.currency, o.committed_amount AS "committedAmount", o.status,
  o.closed_at AS "closedAt", o.created_by AS "createdBy", o.created_at AS "createdAt", o.updated_at AS "updatedAt", o.version`;

const OFFER = `${OFFER_BASE},
  (SELECT coalesce(sum(p.amount), 0) FROM reward_claim p WHERE p.offer_id = o.id AND p.state = 'paid')::text AS "paidAmount",
  ARRAY(SELECT s.subject_id::text FROM reward_offer_subject s WHERE s.offer_id = o.id ORDER BY s.subject_id) AS "subjectIds",
  ARRAY(SELECT g.organization_id::text FROM reward_offer_organization g WHERE g.offer_id = o.id ORDER BY g.organization_id) AS "organizationIds"`;

const LOCKED_OFFER = `id, max_amount AS "maxAmount", currency, committed_amount AS "committedAmount", status, version`;

/** A claim with its offer's programme and currency (`c` the claim row, `o` its offer). */
const CLAIM = `c.id, c.offer_id AS "offerId", o.program, c.tip_id AS "tipId", c.amount, o.currency, c.justification, c.state,
  c.recommended_by AS "recommendedBy", c.recommended_at AS "recommendedAt", c.approved_by AS "approvedBy", c.approved_at AS "approvedAt",
  c.approval_note AS "approvalNote", c.denied_by AS "deniedBy", c.denied_at AS "deniedAt", c.denial_reason AS "denialReason",
  c.paid_by AS "paidBy", c.paid_at AS "paidAt", c.payment_reference AS "paymentReference", c.payment_recorded_at AS "paymentRecordedAt",
  c.updated_at AS "updatedAt", c.version`;

/** The database's own guards of claims (triggers and checks of the Rewards migration), as the client should hear them. */
const CLAIM_CONSTRAINTS = {
  ck_reward_offer_cap: () => new CapExceededError(),
  uq_reward_claim_live: () => new ClaimExistsError(),
  uq_reward_claim_payment_reference: () => new PaymentReferenceUsedError(),
  ck_reward_claim_two_persons: () => new SeparationOfDutiesError('The same person may not recommend and decide a claim, nor approve and pay it'),
};

function offerOf(row: Raw<OfferRecord, 'maxAmount' | 'committedAmount' | 'paidAmount'>): OfferRecord {
  return {
    ...row,
    maxAmount: minorUnitsFromDatabase(row.maxAmount),
    committedAmount: minorUnitsFromDatabase(row.committedAmount),
    paidAmount: minorUnitsFromDatabase(row.paidAmount),
  };
}

function claimOf(row: Raw<ClaimRecord, 'amount'>): ClaimRecord {
  return { ...row, amount: minorUnitsFromDatabase(row.amount) };
}

/** The only way to reward_offer, reward_offer_subject, reward_offer_organization and reward_claim. */
@Injectable()
export class RewardsRepository {
  constructor(private readonly database: Database) {}

  // ---- offers ----

  /** The offer and what it covers, in one statement (its audit record riding along). */
  async insertOffer(tx: Tx, o: NewOffer): Promise<OfferRecord> {
    const [row] = await this.database.write<Raw<OfferRecord, 'maxAmount' | 'committedAmount' | 'paidAmount'>>(tx, {
      name: 'rewards-offer-insert',
      text: `WITH subj AS (INSERT INTO reward_offer_subject (offer_id, subject_id) SELECT $1, s FROM unnest($7::uuid[]) s),
                  orgs AS (INSERT INTO reward_offer_organization (offer_id, organization_id) SELECT $1, g FROM unnest($8::uuid[]) g)
             INSERT INTO reward_offer AS o (id, program, description, max_amount, currency, created_by) VALUES ($1, $2, $3, $4, $5, $6)
             RETURNING ${OFFER_BASE}, '0' AS "paidAmount", $7::uuid[]::text[] AS "subjectIds", $8::uuid[]::text[] AS "organizationIds"`,
      values: [o.id, o.program, o.description, o.maxAmount, o.currency, o.createdBy, o.subjectIds, o.organizationIds],
      constraints: {
        fk_reward_offer_subject_subject: () => new RegistryEntityNotFoundError('subjectIds', o.subjectIds),
        fk_reward_offer_organization_organization: () => new RegistryEntityNotFoundError('organizationIds', o.organizationIds),
      },
    });
    return offerOf(row);
  }

  async findOffer(id: string, tx?: Tx): Promise<OfferRecord | undefined> {
    const [row] = await this.database.query<Raw<OfferRecord, 'maxAmount' | 'committedAmount' | 'paidAmount'>>(
      { name: 'rewards-offer-find', text: `SELECT ${OFFER} FROM reward_offer o WHERE o.id = $1`, values: [id] },
      tx,
    );
    return row && offerOf(row);
  }

  /**
   * The offer's row, locked until the transaction ends: `update` for what changes the offer or its committed
   * total (approvals queue here, each seeing the total the one before left), `share` for a claim that must not
   * meet an offer closed under it.
   */
  async lockOffer(tx: Tx, id: string, mode: 'update' | 'share'): Promise<LockedOffer | undefined> {
    const [row] = await this.database.query<Raw<LockedOffer, 'maxAmount' | 'committedAmount'>>(
      {
        name: `rewards-offer-lock-${mode}`,
        text: `SELECT ${LOCKED_OFFER} FROM reward_offer WHERE id = $1 FOR ${mode === 'update' ? 'UPDATE' : 'SHARE'}`,
        values: [id],
      },
      tx,
    );
    return row && { ...row, maxAmount: minorUnitsFromDatabase(row.maxAmount), committedAmount: minorUnitsFromDatabase(row.committedAmount) };
  }

  /** The subjects and organizations an offer covers. */
  async offerCoverage(id: string, tx?: Tx): Promise<{ subjectIds: string[]; organizationIds: string[] }> {
    const [row] = await this.database.query<{ subjectIds: string[]; organizationIds: string[] }>(
      {
        name: 'rewards-offer-coverage',
        text: `SELECT ARRAY(SELECT subject_id::text FROM reward_offer_subject WHERE offer_id = $1) AS "subjectIds",
                      ARRAY(SELECT organization_id::text FROM reward_offer_organization WHERE offer_id = $1) AS "organizationIds"`,
        values: [id],
      },
      tx,
    );
    return row ?? { subjectIds: [], organizationIds: [] };
  }

  async updateOffer(tx: Tx, id: string, patch: { status: OfferStatus; description: string }): Promise<OfferRecord> {
    const [row] = await this.database.write<Raw<OfferRecord, 'maxAmount' | 'committedAmount' | 'paidAmount'>>(tx, {
      name: 'rewards-offer-update',
      text: `UPDATE reward_offer o SET status = $2, description = $3, closed_at = CASE WHEN $2 = 'closed' THEN coalesce(o.closed_at, now()) END,
                    version = o.version + 1, updated_at = now()
              WHERE o.id = $1 RETURNING ${OFFER}`,
      values: [id, patch.status, patch.description],
    });
    return offerOf(row);
  }

  /** A page of offers, newest first, optionally of one status. */
  async listOffers(status: OfferStatus | undefined, afterId: string | undefined, limit: number): Promise<OfferRecord[]> {
    const rows = await this.database.query<Raw<OfferRecord, 'maxAmount' | 'committedAmount' | 'paidAmount'>>({
      name: 'rewards-offer-list',
      text: `SELECT ${OFFER} FROM reward_offer o
              WHERE ($1::text IS NULL OR o.status = $1) AND ($2::uuid IS NULL OR o.id < $2)
              ORDER BY o.id DESC LIMIT $3`,
      values: [status ?? null, afterId ?? null, limit],
    });
    return rows.map(offerOf);
  }

  // ---- claims ----

  async insertClaim(tx: Tx, c: NewClaim): Promise<ClaimRecord> {
    const [row] = await this.database.write<Raw<ClaimRecord, 'amount'>>(tx, {
      name: 'rewards-claim-insert',
      text: `WITH c AS (INSERT INTO reward_claim (id, offer_id, tip_id, amount, justification, recommended_by) VALUES ($1, $2, $3, $4, $5, $6) RETURNING *)
             SELECT ${CLAIM} FROM c JOIN reward_offer o ON o.id = c.offer_id`,
      values: [c.id, c.offerId, c.tipId, c.amount, c.justification, c.recommendedBy],
      constraints: { ...CLAIM_CONSTRAINTS, fk_reward_claim_offer: () => new OfferReferenceNotFoundError(c.offerId) },
    });
    return claimOf(row);
  }

  async findClaim(id: string, tx?: Tx): Promise<ClaimRecord | undefined> {
    const [row] = await this.database.query<Raw<ClaimRecord, 'amount'>>(
      { name: 'rewards-claim-find', text: `SELECT ${CLAIM} FROM reward_claim c JOIN reward_offer o ON o.id = c.offer_id WHERE c.id = $1`, values: [id] },
      tx,
    );
    return row && claimOf(row);
  }

  /** The claim's row, locked until the transaction ends: decisions on one claim queue here, each seeing the last. */
  async lockClaim(tx: Tx, id: string): Promise<ClaimRecord | undefined> {
    const [row] = await this.database.query<Raw<ClaimRecord, 'amount'>>(
      {
        name: 'rewards-claim-lock',
        text: `SELECT ${CLAIM} FROM reward_claim c JOIN reward_offer o ON o.id = c.offer_id WHERE c.id = $1 FOR UPDATE OF c`,
        values: [id],
      },
      tx,
    );
    return row && claimOf(row);
  }

  /**
   * Moves a claim from `from` to the transition's state in one statement. The database has the last word: the
   * state machine (reward_claim_guard), the two-person check, the committed total under the cap
   * (reward_claim_commit and ck_reward_offer_cap), a payment reference used once.
   */
  async transition(tx: Tx, id: string, from: ClaimState, t: ClaimTransition): Promise<ClaimRecord> {
    const sets: Record<ClaimTransition['to'], string> = {
      approved: 'approved_by = $3, approved_at = now(), approval_note = $4',
      denied: 'denied_by = $3, denied_at = now(), denial_reason = $4',
      paid: 'paid_by = $3, paid_at = $5, payment_reference = $4, payment_recorded_at = now()',
    };
    const detail = t.to === 'approved' ? t.note : t.to === 'denied' ? t.reason : t.paymentReference;
    const values: unknown[] = [id, from, t.by, detail];
    if (t.to === 'paid') values.push(t.paidAt.toISOString());
    const [row] = await this.database.write<Raw<ClaimRecord, 'amount'>>(tx, {
      name: `rewards-claim-${t.to}`,
      text: `WITH c AS (UPDATE reward_claim SET state = '${t.to}', ${sets[t.to]}, version = version + 1, updated_at = now()
                         WHERE id = $1 AND state = $2 RETURNING *)
             SELECT ${CLAIM} FROM c JOIN reward_offer o ON o.id = c.offer_id`,
      values,
      constraints: { ...CLAIM_CONSTRAINTS, ck_reward_claim_transition: () => new InvalidClaimTransitionError(from, t.to) },
    });
    // Under the claim's row lock its state cannot have moved; the condition in SQL is the second line of defence.
    if (!row) throw new InvalidClaimTransitionError(from, t.to);
    return claimOf(row);
  }

  /** A page of the claims `viewer` may see, newest first, filtered in SQL. */
  async listClaims(viewer: ClaimViewer, filter: ClaimFilter, afterId: string | undefined, limit: number): Promise<ClaimRecord[]> {
    const rows = await this.database.query<Raw<ClaimRecord, 'amount'>>({
      name: 'rewards-claim-list',
      text: `SELECT ${CLAIM} FROM reward_claim c JOIN reward_offer o ON o.id = c.offer_id JOIN tip t ON t.id = c.tip_id
              WHERE ${TIP_VISIBLE_SQL} AND ($4::uuid IS NULL OR c.offer_id = $4) AND ($5::text IS NULL OR c.state = $5)
                AND ($6::uuid IS NULL OR c.recommended_by = $6) AND ($7::uuid IS NULL OR c.id < $7)
              ORDER BY c.id DESC LIMIT $8`,
      values: [viewer.userId, viewer.seesAll, viewer.triage, filter.offerId ?? null, filter.state ?? null, filter.recommendedBy ?? null, afterId ?? null, limit],
    });
    return rows.map(claimOf);
  }
}
