import { moduleErrors } from '../common/errors/domain.error';
import type { CaseStatus } from './case.entity';

/** The cases module's error codes and their statuses. */
export const CASE_ERROR_STATUS = {
  'not-found': 404,
  'read-only-member': 403,
  'not-case-manager': 403,
  'not-note-author': 403,
  'supervisor-only': 403,
  'invalid-status-transition': 409,
  'case-closed': 409,
  'already-member': 409,
  'reason-required': 422,
  'member-not-eligible': 422,
  'lead-not-eligible': 422,
  'case-needs-lead': 422,
  'assignee-not-member': 422,
  'registry-link-exists': 409,
  'registry-entity-not-found': 422,
} as const;

abstract class CasesError extends moduleErrors(CASE_ERROR_STATUS) {}

/** The same words whether the thing does not exist or the caller may not see it. */
const notFound = (what: string, id: string): string => `No ${what} with id ${id} exists, or you may not see it`;

/** A case the caller may not see is a case that does not exist (need-to-know). */
export class CaseNotFoundError extends CasesError {
  constructor(id: string) {
    super('not-found', notFound('case', id));
  }
}

export class NoteNotFoundError extends CasesError {
  constructor(id: string) {
    super('not-found', notFound('note', id));
  }
}

export class TaskNotFoundError extends CasesError {
  constructor(id: string) {
    super('not-found', notFound('task', id));
  }
}

export class MemberNotFoundError extends CasesError {
  constructor(userId: string) {
    super('not-found', notFound('member', userId));
  }
}

/** A viewer knows the case exists (they read it), so their write is a 403, not a 404. */
export class ReadOnlyMemberError extends CasesError {
  constructor() {
    super('read-only-member', 'Viewers of a case read it but cannot change anything in it');
  }
}

export class NotCaseManagerError extends CasesError {
  constructor() {
    super('not-case-manager', "Only the case's lead or a supervisor manages its members");
  }
}

export class NotNoteAuthorError extends CasesError {
  constructor() {
    super('not-note-author', 'Only the author of a note edits it');
  }
}

export class SupervisorOnlyError extends CasesError {
  constructor(what: string) {
    super('supervisor-only', `Only supervisors ${what}`);
  }
}

const ALLOWED_MOVES: Record<CaseStatus, string> = {
  open: 'active',
  active: 'closed',
  closed: 'active (reopen: supervisors, with a reason)',
};

export class InvalidStatusTransitionError extends CasesError {
  constructor(from: CaseStatus, to: CaseStatus) {
    super('invalid-status-transition', `A case cannot go from ${from} to ${to}; from ${from} it can go to: ${ALLOWED_MOVES[from]}`);
  }
}

export class CaseClosedError extends CasesError {
  constructor() {
    super('case-closed', 'The case is closed: reopen it (supervisors) before changing it or what is under it');
  }
}

export class ReasonRequiredError extends CasesError {
  constructor() {
    super('reason-required', 'Reopening a closed case needs a reason', { errors: [{ field: 'reason', message: 'is required to reopen a closed case' }] });
  }
}

/** Members hold case content: an active account with the investigator, analyst or supervisor role. */
export class MemberNotEligibleError extends CasesError {
  constructor(field: string, why: string) {
    super('member-not-eligible', `A case member must be an active user with the investigator, analyst or supervisor role (not admin, intake or auditor): ${why}`, {
      errors: [{ field, message: why }],
    });
  }
}

export class LeadNotEligibleError extends CasesError {
  constructor(field: string) {
    super('lead-not-eligible', 'The lead of a case must be an investigator or a supervisor', { errors: [{ field, message: 'must be an investigator or a supervisor' }] });
  }
}

export class CaseNeedsLeadError extends CasesError {
  constructor() {
    super('case-needs-lead', 'A case always keeps a lead: make another member the lead first (that moves the current lead to member)');
  }
}

export class AlreadyMemberError extends CasesError {
  constructor(userId: string) {
    super('already-member', `User ${userId} is already a member of this case: change their role instead`);
  }
}

export class AssigneeNotMemberError extends CasesError {
  constructor() {
    super('assignee-not-member', 'A task is assigned to a member of its case', { errors: [{ field: 'assigneeId', message: 'must be a member of the case' }] });
  }
}

export class RegistryLinkExistsError extends CasesError {
  constructor(kind: string) {
    super('registry-link-exists', `This ${kind} is already linked to the case`);
  }
}

export class RegistryEntityNotFoundError extends CasesError {
  constructor(kind: string, id: string) {
    super('registry-entity-not-found', `No ${kind} with id ${id} exists in the registry`, { errors: [{ field: `${kind}Id`, message: `is not a ${kind} of the registry` }] });
  }
}

export class RegistryLinkNotFoundError extends CasesError {
  constructor(kind: string, id: string) {
    super('not-found', `The ${kind} ${id} is not linked to this case`);
  }
}
