/**
 * The single redaction list of the audit trail (and of anything else that records changed fields):
 * credentials, keys and tipster identity never reach an audit record, in `changes` or in `details`.
 */
export const REDACTED_FIELDS: ReadonlySet<string> = new Set(
  [
    'password',
    'passwordHash',
    'currentPassword',
    'newPassword',
    'token',
    'accessToken',
    'refreshToken',
    'challengeToken',
    'apiKey',
    'keyHash',
    'secret',
    'totpSecret',
    'totpPendingSecret',
    'code',
    'tipster',
    'tipsterName',
    'tipsterEmail',
    'tipsterPhone',
    'tipsterIdentity',
    'contactHash',
    'name_encrypted',
  ].map((f) => f.toLowerCase()),
);

export const REDACTED = '[REDACTED]';

const isRedacted = (key: string): boolean => REDACTED_FIELDS.has(key.toLowerCase());

/** A deep copy with every redacted key's value replaced. */
export function redact(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redact);
  if (value instanceof Date) return value.toISOString();
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = isRedacted(k) ? REDACTED : redact(v);
    return out;
  }
  return value;
}

/**
 * The fields that differ between two states, as `{ field: { before, after } }`. A redacted field that
 * changed is listed (that it changed matters) with both values replaced.
 */
export function changedFields(before: Record<string, unknown> | null | undefined, after: Record<string, unknown> | null | undefined): Record<string, { before: unknown; after: unknown }> {
  const out: Record<string, { before: unknown; after: unknown }> = {};
  const keys = new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})]);
  for (const key of keys) {
    const b = before?.[key];
    const a = after?.[key];
    if (JSON.stringify(redact(b)) === JSON.stringify(redact(a)) && !(isRedacted(key) && b !== a)) continue;
    out[key] = isRedacted(key) ? { before: b === undefined ? null : REDACTED, after: a === undefined ? null : REDACTED } : { before: redact(b) ?? null, after: redact(a) ?? null };
  }
  return out;
}
