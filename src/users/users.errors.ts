import type { Role } from '../access/request-context';
import { ConflictError, NotFoundError, RuleViolationError } from '../common/errors/domain.error';

export class UserNotFoundError extends NotFoundError {
  constructor(id: string) {
    super('user', id);
  }
}

export class UsernameTakenError extends ConflictError {
  constructor(username: string) {
    super('username-taken', `The username "${username}" is already taken`);
  }
}

export class WeakPasswordError extends RuleViolationError {
  constructor(reason: string) {
    super('weak-password', `The password ${reason}`, [{ field: 'password', message: reason }]);
  }
}

export class SelfLockoutError extends RuleViolationError {
  constructor(what: string) {
    super('self-lockout', `An admin cannot ${what} their own account: ask another admin`);
  }
}

/** Separation of duties: `admin` is never combined with `supervisor` or `auditor` on one account. */
export class IncompatibleRolesError extends RuleViolationError {
  constructor(pair: readonly [Role, Role]) {
    super('separation-of-duties', `Separation of duties: the roles ${pair[0]} and ${pair[1]} cannot be held by one account (admin is never combined with supervisor or auditor)`, [
      { field: 'roles', message: `must not combine ${pair[0]} and ${pair[1]}` },
    ]);
  }
}

/** Separation of duties: nobody changes their own roles, not even an admin. */
export class OwnRolesChangeError extends RuleViolationError {
  constructor() {
    super('separation-of-duties', 'Separation of duties: an admin cannot change their own roles; ask another admin', [{ field: 'roles', message: 'cannot be changed on your own account' }]);
  }
}
