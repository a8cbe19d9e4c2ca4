import { generateSecret, generateURI, verifySync } from 'otplib';

/** RFC 6238 TOTP (SHA-1, 6 digits, 30 s), as authenticator apps expect. */
export const totp = {
  newSecret: (): string => generateSecret({ length: 20 }),

  uri: (username: string, secret: string): string => generateURI({ issuer: 'Casefile', label: username, secret }),

  /** The time step of a valid code (±1 step of clock drift), or null. */
  verify(secret: string, code: string): number | null {
    const result = verifySync({ secret, token: code, epochTolerance: 30 });
    return result.valid && 'timeStep' in result ? result.timeStep : null;
  },
};
