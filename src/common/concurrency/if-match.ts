import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { BadRequestError, PreconditionFailedError, PreconditionRequiredError } from '../errors/domain.error';

/** Reads `If-Match: W/"<version>"` (or `"<version>"`); 428 when absent, 400 when not one of ours. */
export function parseIfMatch(header: string | string[] | undefined): number {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || value.trim() === '') throw new PreconditionRequiredError();
  const m = /^\s*(?:W\/)?"(\d{1,15})"\s*$/.exec(value);
  if (!m) throw new BadRequestError('If-Match must be the ETag returned by GET, such as W/"3"');
  return Number(m[1]);
}

/** Controller parameter: the version the client read, from If-Match. */
export const IfMatchVersion = createParamDecorator((_: unknown, ctx: ExecutionContext): number =>
  parseIfMatch(ctx.switchToHttp().getRequest<FastifyRequest>().headers['if-match']),
);

/** Services call this with the row's current version (read under lock) before changing it. */
export function assertVersion(expected: number, current: number): void {
  if (expected !== current) throw new PreconditionFailedError(current);
}

export function etagOf(version: number): string {
  return `W/"${version}"`;
}
