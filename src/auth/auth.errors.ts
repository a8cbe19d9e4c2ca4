import { moduleErrors } from '../common/errors/domain.error';

/** The auth module's error codes and their statuses (exhaustive: a new code needs its status here). */
export const AUTH_ERROR_STATUS = {
  unauthenticated: 401,
  'mfa-enrolment-required': 403,
  'wrong-password': 422,
  'account-locked': 422,
  'password-unchanged': 422,
  'invalid-mfa-code': 422,
  'mfa-not-enrolled': 422,
  'mfa-required': 422,
} as const;

abstract class AuthError extends moduleErrors(AUTH_ERROR_STATUS) {}

const challenge = { 'WWW-Authenticate': 'Bearer realm="casefile"' };

/** Same status, body and (about) time whether the user exists, is disabled, locked, or typed a wrong password. */
export class InvalidCredentialsError extends AuthError {
  constructor() {
    super('unauthenticated', 'Invalid username or password, or the account is locked after repeated failures (try again in 15 minutes or ask an admin)', { headers: challenge });
  }
}

export class InvalidTokenError extends AuthError {
  constructor(what = 'token') {
    super('unauthenticated', `The ${what} is invalid, expired or revoked: sign in again`, { headers: challenge });
  }
}

export class InvalidMfaCodeError extends AuthError {
  constructor() {
    super('unauthenticated', 'The code is wrong, expired, or was already used', { headers: challenge });
  }
}

export class MfaEnrolmentRequiredError extends AuthError {
  constructor() {
    super('mfa-enrolment-required', 'This deployment requires a second factor: enrol one first (POST /api/v1/auth/mfa/enrol, then /auth/mfa/confirm)');
  }
}

/** A password confirmation failed (password change, factor change). */
export class WrongPasswordError extends AuthError {
  constructor(field: string) {
    super('wrong-password', 'The password is not correct', { errors: [{ field, message: 'is not correct' }] });
  }
}

export class AccountLockedError extends AuthError {
  constructor() {
    super('account-locked', 'The account is locked after repeated failed password checks; try again in 15 minutes or ask an admin');
  }
}

export class PasswordUnchangedError extends AuthError {
  constructor() {
    super('password-unchanged', 'The new password must differ from the current one', { errors: [{ field: 'newPassword', message: 'must differ from the current password' }] });
  }
}

/** A second-factor code refused while changing a factor (sign-in answers InvalidMfaCodeError, 401). */
export class RefusedMfaCodeError extends AuthError {
  constructor(detail: string, message: string) {
    super('invalid-mfa-code', detail, { errors: [{ field: 'code', message }] });
  }
}

export class MfaNotEnrolledError extends AuthError {
  constructor() {
    super('mfa-not-enrolled', 'No second factor is enrolled');
  }
}

export class MfaRequiredError extends AuthError {
  constructor() {
    super('mfa-required', 'This deployment requires a second factor: replace it (POST /auth/mfa/enrol) instead of removing it');
  }
}
