import { AuthenticationRequiredError, PermissionDeniedError } from '../common/errors/domain.error';

/** Same status, body and (about) time whether the user exists, is disabled, locked, or typed a wrong password. */
export class InvalidCredentialsError extends AuthenticationRequiredError {
  constructor() {
    super('Invalid username or password, or the account is locked after repeated failures (try again in 15 minutes or ask an admin)');
  }
}

export class InvalidTokenError extends AuthenticationRequiredError {
  constructor(what = 'token') {
    super(`The ${what} is invalid, expired or revoked: sign in again`);
  }
}

export class InvalidMfaCodeError extends AuthenticationRequiredError {
  constructor() {
    super('The code is wrong, expired, or was already used');
  }
}

export class MfaEnrolmentRequiredError extends PermissionDeniedError {
  constructor() {
    super('This deployment requires a second factor: enrol one first (POST /api/v1/auth/mfa/enrol, then /auth/mfa/confirm)', 'mfa-enrolment-required');
  }
}
