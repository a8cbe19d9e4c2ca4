import { moduleErrors } from '../common/errors/domain.error';
import type { TipStatus } from './tip.entity';

/** The tips module's error codes and their statuses. */
export const TIP_ERROR_STATUS = {
  'not-found': 404,
  'invalid-tipster': 400,
  'invalid-narrative': 400,
  'invalid-status-transition': 409,
  'tip-matching': 409,
  'duplicate-needs-original': 422,
  'assignee-not-eligible': 422,
  'case-not-found': 422,
  'reference-exhausted': 503,
  // Met by intake's insert and answered there (never sent as such): a retry, or a reference drawn twice.
  'external-id-seen': 409,
  'reference-taken': 409,
} as const;

abstract class TipsError extends moduleErrors(TIP_ERROR_STATUS) {}

/** A tip the caller may not see is a tip that does not exist (need-to-know; another integration's tip). */
export class TipNotFoundError extends TipsError {
  constructor(what: string) {
    super('not-found', `No tip ${what} exists, or you may not see it`);
  }
}

export class CandidateNotFoundError extends TipsError {
  constructor(type: string, id: string) {
    super('not-found', `This tip has no match candidate ${type}:${id}`);
  }
}

/**
 * The tipster block is not acceptable. The message names the field and the rule, never the value: a
 * tipster's e-mail or phone must not reach a response, a log line or an audit record.
 */
export class InvalidTipsterError extends TipsError {
  constructor(errors: { field: string; message: string }[]) {
    super('invalid-tipster', `tipster: ${errors.map((e) => `${e.field} ${e.message}`).join('; ')}`, { errors });
  }
}

export const ALLOWED_TIP_MOVES: Record<TipStatus, readonly TipStatus[]> = {
  // The matching worker moves a tip on to received; staff cannot (TipStillMatchingError).
  matching: [],
  received: ['triaged', 'duplicate'],
  triaged: ['assigned', 'duplicate'],
  assigned: ['actionable', 'not_actionable', 'duplicate'],
  actionable: ['closed'],
  not_actionable: ['closed'],
  closed: [],
  duplicate: [],
};

export class InvalidTipTransitionError extends TipsError {
  constructor(from: TipStatus, to: TipStatus) {
    const allowed = ALLOWED_TIP_MOVES[from];
    super(
      'invalid-status-transition',
      `A tip cannot go from ${from} to ${to}; from ${from} it can go to: ${allowed.length ? allowed.join(', ') : 'nothing (final)'}`,
      {
        extensions: { allowed: [...allowed] },
      },
    );
  }
}

/** The integration sent this externalId before (uq_tip_external): a retry, answered with the first tip. Not a failure. */
export class ExternalIdSeenError extends TipsError {
  readonly unrecorded = true;
  constructor() {
    super('external-id-seen', 'This integration sent this externalId before');
  }
}

/** The reference drawn is taken (uq_tip_reference; 31^8 of them): intake draws again. Not a failure. */
export class ReferenceTakenError extends TipsError {
  readonly unrecorded = true;
  constructor() {
    super('reference-taken', 'The tip reference drawn is taken');
  }
}

/** A tip is matched to the registry in the background right after intake (seconds at most); its status waits for that. */
export class TipStillMatchingError extends TipsError {
  constructor() {
    super('tip-matching', 'The tip is still being matched to the registry (status matching); its status can change once it is received, in a moment');
  }
}

export class DuplicateNeedsOriginalError extends TipsError {
  constructor(why: string) {
    super('duplicate-needs-original', `Marking a tip duplicate needs duplicateOf, another tip you may see: ${why}`, {
      errors: [{ field: 'duplicateOf', message: why }],
    });
  }
}

export class AssigneeNotEligibleError extends TipsError {
  constructor(why: string) {
    super('assignee-not-eligible', `A tip is assigned to an active user who may triage tips: ${why}`, { errors: [{ field: 'assigneeId', message: why }] });
  }
}

export class TipCaseNotFoundError extends TipsError {
  constructor(caseId: string) {
    super('case-not-found', `No case with id ${caseId} exists, or you may not see it`, {
      errors: [{ field: 'caseId', message: 'must be a case you may see' }],
    });
  }
}

export class ReferenceExhaustedError extends TipsError {
  constructor() {
    super('reference-exhausted', 'Could not draw an unused tip reference; retry');
  }
}
