import { ConflictError, NotFoundError, PermissionDeniedError, RuleViolationError } from '../common/errors/domain.error';
import type { CaseStatus } from './case.entity';

/** A case the caller may not see is a case that does not exist (need-to-know). */
export class CaseNotFoundError extends NotFoundError {
  constructor(id: string) {
    super('case', id);
  }
}

export class NoteNotFoundError extends NotFoundError {
  constructor(id: string) {
    super('note', id);
  }
}

export class TaskNotFoundError extends NotFoundError {
  constructor(id: string) {
    super('task', id);
  }
}

export class MemberNotFoundError extends NotFoundError {
  constructor(userId: string) {
    super('member', userId);
  }
}

/** A viewer knows the case exists (they read it), so their write is a 403, not a 404. */
export class ReadOnlyMemberError extends PermissionDeniedError {
  constructor() {
    super('Viewers of a case read it but cannot change anything in it', 'read-only-member');
  }
}

export class NotCaseManagerError extends PermissionDeniedError {
  constructor() {
    super("Only the case's lead or a supervisor manages its members", 'not-case-manager');
  }
}

export class NotNoteAuthorError extends PermissionDeniedError {
  constructor() {
    super('Only the author of a note edits it', 'not-note-author');
  }
}

export class SupervisorOnlyError extends PermissionDeniedError {
  constructor(what: string) {
    super(`Only supervisors ${what}`, 'supervisor-only');
  }
}

const ALLOWED_MOVES: Record<CaseStatus, string> = {
  open: 'active',
  active: 'closed',
  closed: 'active (reopen: supervisors, with a reason)',
};

export class InvalidStatusTransitionError extends ConflictError {
  constructor(from: CaseStatus, to: CaseStatus) {
    super('invalid-status-transition', `A case cannot go from ${from} to ${to}; from ${from} it can go to: ${ALLOWED_MOVES[from]}`);
  }
}

export class CaseClosedError extends ConflictError {
  constructor() {
    super('case-closed', 'The case is closed: reopen it (supervisors) before changing it or what is under it');
  }
}

export class ReasonRequiredError extends RuleViolationError {
  constructor() {
    super('reason-required', 'Reopening a closed case needs a reason', [{ field: 'reason', message: 'is required to reopen a closed case' }]);
  }
}

/** Members hold case content: an active account with the investigator, analyst or supervisor role. */
export class MemberNotEligibleError extends RuleViolationError {
  constructor(field: string, why: string) {
    super('member-not-eligible', `A case member must be an active user with the investigator, analyst or supervisor role (not admin, intake or auditor): ${why}`, [
      { field, message: why },
    ]);
  }
}

export class LeadNotEligibleError extends RuleViolationError {
  constructor(field: string) {
    super('lead-not-eligible', 'The lead of a case must be an investigator or a supervisor', [{ field, message: 'must be an investigator or a supervisor' }]);
  }
}

export class CaseNeedsLeadError extends RuleViolationError {
  constructor() {
    super('case-needs-lead', 'A case always keeps a lead: make another member the lead first (that moves the current lead to member)');
  }
}

export class AlreadyMemberError extends ConflictError {
  constructor(userId: string) {
    super('already-member', `User ${userId} is already a member of this case: change their role instead`);
  }
}

export class AssigneeNotMemberError extends RuleViolationError {
  constructor() {
    super('assignee-not-member', 'A task is assigned to a member of its case', [{ field: 'assigneeId', message: 'must be a member of the case' }]);
  }
}
