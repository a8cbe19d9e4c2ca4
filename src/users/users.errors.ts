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
