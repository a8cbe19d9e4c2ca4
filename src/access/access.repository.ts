import { Injectable } from '@nestjs/common';
import { Database, Tx } from '../database/database';
import { TIP_VISIBLE_SQL } from './tip-visibility';

/**
 * Need-to-know queries, one per resource type, each answering for a whole set of ids in one statement:
 * `(user, ids) → the ids among them the user may see`. A new resource (evidence, tips, notes) adds its own
 * method here and a case in AccessService.visible(), touching no other.
 */
@Injectable()
export class AccessRepository {
  constructor(private readonly database: Database) {}

  /** Cases among `caseIds` that `userId` is a member of. */
  async caseMemberships(userId: string, caseIds: readonly string[], tx?: Tx): Promise<Set<string>> {
    const rows = await this.database.query<{ case_id: string }>(
      { name: 'access-case-members', text: 'SELECT case_id FROM case_member WHERE user_id = $1 AND case_id = ANY($2::uuid[])', values: [userId, caseIds] },
      tx,
    );
    return new Set(rows.map((r) => r.case_id));
  }

  /** Evidence items among `evidenceIds` whose case `userId` is a member of. */
  async evidenceOfMemberCases(userId: string, evidenceIds: readonly string[], tx?: Tx): Promise<Set<string>> {
    const rows = await this.database.query<{ id: string }>(
      {
        name: 'access-evidence-members',
        text: 'SELECT e.id FROM evidence_item e JOIN case_member m ON m.case_id = e.case_id AND m.user_id = $1 WHERE e.id = ANY($2::uuid[])',
        values: [userId, evidenceIds],
      },
      tx,
    );
    return new Set(rows.map((r) => r.id));
  }

  /**
   * Tips among `tipIds` that `userId` may see: a tip not linked to a case, when they triage tips; a tip linked
   * to a case, when they are a member of it; every tip, for whom sees every case (supervisors).
   */
  async visibleTips(userId: string, tipIds: readonly string[], rights: { seesAll: boolean; triage: boolean }, tx?: Tx): Promise<Set<string>> {
    const rows = await this.database.query<{ id: string }>(
      {
        name: 'access-tips',
        text: `SELECT t.id FROM tip t WHERE t.id = ANY($4::uuid[]) AND ${TIP_VISIBLE_SQL}`,
        values: [userId, rights.seesAll, rights.triage, tipIds],
      },
      tx,
    );
    return new Set(rows.map((r) => r.id));
  }

  /** Reward claims among `claimIds` whose tip `userId` may see (the same rule as visibleTips). */
  async visibleClaims(userId: string, claimIds: readonly string[], rights: { seesAll: boolean; triage: boolean }, tx?: Tx): Promise<Set<string>> {
    const rows = await this.database.query<{ id: string }>(
      {
        name: 'access-reward-claims',
        text: `SELECT c.id FROM reward_claim c JOIN tip t ON t.id = c.tip_id WHERE c.id = ANY($4::uuid[]) AND ${TIP_VISIBLE_SQL}`,
        values: [userId, rights.seesAll, rights.triage, claimIds],
      },
      tx,
    );
    return new Set(rows.map((r) => r.id));
  }
}
