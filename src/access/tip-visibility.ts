/**
 * The need-to-know rule of tips as one SQL condition on the tip row `t`, for every statement that filters by it
 * (AccessService's checks, the tip queue and search, the reward claim list): an unlinked tip is visible to staff who
 * triage; a linked one to the members of its case; every tip to whom sees every case. `$1` is the user, `$2`
 * whether they see every case, `$3` whether they triage tips.
 */
export const TIP_VISIBLE_SQL = `($2::boolean OR (t.case_id IS NULL AND $3::boolean) OR (t.case_id IS NOT NULL AND EXISTS (SELECT 1 FROM case_member m WHERE m.case_id = t.case_id AND m.user_id = $1)))`;
