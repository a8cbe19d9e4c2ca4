import { dictionary } from '@zxcvbn-ts/language-common';

export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 256;

// ~49,000 common passwords from the zxcvbn-ts common list, bundled as an npm dependency.
const COMMON = new Set<string>((dictionary['passwords-common']).map((p) => p.toLowerCase()));

/** Why a password is refused, or null when it is acceptable. The reason is shown to the user. */
export function passwordProblem(password: string, username: string): string | null {
  if (password.length < MIN_PASSWORD_LENGTH) return `must be at least ${MIN_PASSWORD_LENGTH} characters`;
  if (password.length > MAX_PASSWORD_LENGTH) return `must be at most ${MAX_PASSWORD_LENGTH} characters`;
  const lower = password.toLowerCase();
  if (lower === username.toLowerCase()) return 'must not be the username';
  if (COMMON.has(lower)) return 'is on the list of common passwords';
  const stem = lower.replace(/[\d\W_]+$/u, '');
  if (stem.length >= 4 && stem !== lower && COMMON.has(stem)) return 'is a common password with digits or symbols appended';
  if (/^(.)\1+$/u.test(password)) return 'must not be one repeated character';
  return null;
}
