import type { ApiPropertyOptions } from '@nestjs/swagger';

/**
 * Property presets for DTOs, so every id, time, version and count is described (and bounded) the same way:
 *
 *   @ApiProperty(UUID) id!: string;
 *   @ApiProperty({ ...TIMESTAMP, nullable: true }) closedAt!: string | null;
 *   @ApiProperty({ ...text(200), example: 'Silverstar' }) title!: string;
 *
 * Strings carry a maxLength (or an enum or a pattern with a bound), arrays a maxItems and integers a format and
 * bounds: what the server accepts or can send, so a generated client and Spectral's OWASP rules know them too.
 */

export const UUID = { type: String, format: 'uuid', maxLength: 36, example: '01938f0c-3f6e-7a52-9e1e-1c2b3d4e5f60' } satisfies ApiPropertyOptions;

/** An instant, UTC ISO 8601 as the service writes it (`2024-12-12T15:30:00.000Z`; audit times carry microseconds). */
export const TIMESTAMP = { type: String, format: 'date-time', maxLength: 35, example: '2024-12-12T15:30:00.000Z' } satisfies ApiPropertyOptions;

/** A calendar date `YYYY-MM-DD`. */
export const DATE = { type: String, format: 'date', maxLength: 10, example: '2024-12-12' } satisfies ApiPropertyOptions;

/** The version of a mutable resource: send it back as If-Match (`W/"<version>"`) to change it. */
export const VERSION = {
  type: 'integer',
  format: 'int32',
  minimum: 1,
  maximum: 2_147_483_647,
  example: 1,
  description: 'Send it back as If-Match: W/"<version>" to change the resource',
} satisfies ApiPropertyOptions;

/** A count or a size that fits a 32-bit integer. */
export const COUNT = { type: 'integer', format: 'int32', minimum: 0, maximum: 2_147_483_647 } satisfies ApiPropertyOptions;

/** A position in the audit chain or another 64-bit sequence, as a decimal string (beyond JavaScript's safe integers). */
export const SEQUENCE = { type: String, pattern: '^\\d{1,19}$', maxLength: 19, example: '1042' } satisfies ApiPropertyOptions;

/** A SHA-256 in hex. */
export const SHA256_HEX = { type: String, pattern: '^[0-9a-f]{64}$', maxLength: 64 } satisfies ApiPropertyOptions;

/** Free text of at most `maxLength` characters. */
export function text(maxLength: number): { type: StringConstructor; maxLength: number } {
  return { type: String, maxLength };
}

/** An ISO 3166-1 alpha-2 country code, in capitals (checked against the real list). */
export const COUNTRY = { type: String, pattern: '^[A-Z]{2}$', maxLength: 2, example: 'KP', description: 'ISO 3166-1 alpha-2' } satisfies ApiPropertyOptions;

/** A date of which only the year, or the year and month, may be known: `1985-03-12`, `1985-03` or `1985`. */
export const PARTIAL_DATE = { type: String, pattern: '^\\d{4}(-\\d{2}(-\\d{2})?)?$', maxLength: 10, example: '1985-03' } satisfies ApiPropertyOptions;

/** A whole number between `minimum` and `maximum`. */
export function integer(minimum: number, maximum: number): { type: 'integer'; format: 'int32' | 'int64'; minimum: number; maximum: number } {
  return { type: 'integer', format: maximum > 2_147_483_647 ? 'int64' : 'int32', minimum, maximum };
}
