import { Injectable } from '@nestjs/common';
import { Principal } from '../access/request-context';
import { AuthSessionRepository } from './auth-session.repository';

/** The per-request check behind every access token: the session and user rows, on every request. */
@Injectable()
export class SessionCheckService {
  constructor(private readonly sessions: AuthSessionRepository) {}

  async principalFor(userId: string, sessionId: string): Promise<Principal | undefined> {
    const session = await this.sessions.findActive(sessionId, userId);
    if (!session) return undefined;
    if (session.stale) await this.sessions.touch(sessionId);
    return { kind: 'user', id: session.userId, username: session.username, displayName: session.displayName, roles: session.roles, sessionId, mfaEnrolled: session.mfaEnrolled };
  }
}
