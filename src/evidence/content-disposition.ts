/**
 * A client's file name made safe to hand back (RFC 6266): the last path segment only, no control characters,
 * no quotes or backslashes; an ASCII `filename` fallback and the full name in `filename*` (RFC 8187).
 */
export function safeFileName(name: string | null | undefined, fallback: string): string {
  const last = (name ?? '').split(/[/\\]/).pop() ?? '';
  const cleaned = last
    .replace(/[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}]/gu, '')
    .replace(/["*:<>?|]/g, '_')
    .replace(/^[.\s]+/, '')
    .trim()
    .slice(0, 200);
  return cleaned === '' ? fallback : cleaned;
}

/** `attachment; filename="…"; filename*=UTF-8''…` for a (safe) file name. Always an attachment, never inline. */
export function contentDisposition(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\%]/g, '_');
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
