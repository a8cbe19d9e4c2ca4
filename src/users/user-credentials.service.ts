import { Injectable } from '@nestjs/common';
import type { Tx } from '../database/database';
import { UserCredentials, UsersRepository } from './users.repository';

/**
 * What sign-in (the auth feature) may read and change of an account: its credentials, failures and
 * lockout, its second factor. The only door from auth/ to app_user, so auth/ never touches the table.
 */
@Injectable()
export class UserCredentialsService {
  constructor(private readonly users: UsersRepository) {}

  byUsername(username: string): Promise<UserCredentials | undefined> {
    return this.users.findCredentialsByUsername(username);
  }

  byId(id: string): Promise<UserCredentials | undefined> {
    return this.users.findCredentials(id);
  }

  /** One more failed password check (sign-in or a password confirmation); locks the account at the threshold. */
  recordFailure(id: string): Promise<{ failedLoginCount: number; lockedNow: boolean }> {
    return this.users.recordLoginFailure(id);
  }

  recordSignIn(tx: Tx, id: string): Promise<void> {
    return this.users.recordLoginSuccess(tx, id);
  }

  touchLastSeen(tx: Tx, id: string): Promise<void> {
    return this.users.touchLastSeen(tx, id);
  }

  setPassword(tx: Tx, id: string, passwordHash: string): Promise<void> {
    return this.users.setPassword(tx, id, passwordHash);
  }

  offerTotpSecret(tx: Tx, id: string, encryptedSecret: string): Promise<void> {
    return this.users.setPendingTotpSecret(tx, id, encryptedSecret);
  }

  confirmTotp(tx: Tx, id: string, step: number): Promise<void> {
    return this.users.confirmTotp(tx, id, step);
  }

  removeTotp(tx: Tx, id: string): Promise<void> {
    return this.users.removeTotp(tx, id);
  }

  /** Accepts a TOTP time step once (a code is good for one use). */
  acceptTotpStep(id: string, step: number): Promise<boolean> {
    return this.users.acceptTotpStep(id, step);
  }
}
