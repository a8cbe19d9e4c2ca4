import type { Role } from '../access/request-context';
import { moduleErrors } from '../common/errors/domain.error';

/** The users module's error codes and their statuses (exhaustive: a new code needs its status here). */
export const USERS_ERROR_STATUS = {
  'not-found': 404,
  'username-taken': 409,
  'weak-password': 422,
  'self-lockout': 422,
  'separation-of-duties': 422,
} as const;

abstract class UsersError extends moduleErrors(USERS_ERROR_STATUS) {}

export class UserNotFoundError extends UsersError {
  constructor(id: string) {
    super('not-found', `No user with id ${id} exists`);
  }
}

export class UsernameTakenError extends UsersError {
  constructor(username: string) {
    super('username-taken', `The username "${username}" is already taken`);
  }
}

export class WeakPasswordError extends UsersError {
  constructor(reason: string) {
    super('weak-password', `The password ${reason}`, { errors: [{ field: 'password', message: reason }] });
  }
}

export class SelfLockoutError extends UsersError {
  constructor(what: string) {
    super('self-lockout', `An admin cannot ${what} their own account: ask another admin`);
  }
}

/** Separation of duties: `admin` is never combined with `supervisor` or `auditor` on one account. */
export class IncompatibleRolesError extends UsersError {
  constructor(pair: readonly [Role, Role]) {
    super('separation-of-duties', `Separation of duties: the roles ${pair[0]} and ${pair[1]} cannot be held by one account (admin is never combined with supervisor or auditor)`, {
      errors: [{ field: 'roles', message: `must not combine ${pair[0]} and ${pair[1]}` }],
    });
  }
}

/** Separation of duties: nobody changes their own roles, not even an admin. */
export class OwnRolesChangeError extends UsersError {
  constructor() {
    super('separation-of-duties', 'Separation of duties: an admin cannot change their own roles; ask another admin', { errors: [{ field: 'roles', message: 'cannot be changed on your own account' }] });
  }
}
