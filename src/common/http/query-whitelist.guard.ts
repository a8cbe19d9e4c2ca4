import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants.js';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum.js';
import type { FastifyRequest } from 'fastify';
import { ValidationFailedError } from '../errors/domain.error';
import { printable } from '../input-rules';

/** What a handler takes from the query string: a whole DTO (whitelisted by the validation pipe), or these names. */
type Accepted = { dto: true } | { dto: false; names: ReadonlySet<string> };

/**
 * Unknown query parameters are refused like unknown body fields, on every route, from its declaration:
 * a handler with a `@Query()` DTO accepts that DTO's fields (the validation pipe refuses the others), one
 * with `@Query('name')` parameters accepts those names, and one without any accepts no query string at
 * all. A global guard, so the refusal (400 naming each parameter) comes before any other work.
 */
@Injectable()
export class QueryWhitelistGuard implements CanActivate {
  private readonly accepted = new WeakMap<object, Accepted>();

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const query = context.switchToHttp().getRequest<FastifyRequest>().query as Record<string, unknown> | undefined;
    const names = query && typeof query === 'object' ? Object.keys(query) : [];
    if (names.length === 0) return true;
    const accepted = this.acceptedBy(context);
    if (accepted.dto) return true;
    const unknown = names.filter((name) => !accepted.names.has(name));
    if (unknown.length === 0) return true;
    const shown = unknown.slice(0, 20).map((name) => printable(name.slice(0, 100)));
    throw new ValidationFailedError(
      shown.map((field) => ({ field, message: 'is not an accepted query parameter' })),
      accepted.names.size === 0
        ? `This route takes no query parameters (got: ${shown.join(', ')})`
        : `Unknown query parameter${shown.length === 1 ? '' : 's'}: ${shown.join(', ')}; this route accepts ${[...accepted.names].join(', ')}`,
    );
  }

  private acceptedBy(context: ExecutionContext): Accepted {
    const handler = context.getHandler();
    let accepted = this.accepted.get(handler);
    if (!accepted) {
      const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, context.getClass(), handler.name) ?? {}) as Record<string, { data?: unknown }>;
      const queryArgs = Object.entries(args)
        .filter(([key]) => key.split(':')[0] === String(RouteParamtypes.QUERY))
        .map(([, arg]) => arg.data);
      accepted = queryArgs.some((data) => data === undefined)
        ? { dto: true }
        : { dto: false, names: new Set(queryArgs.filter((d): d is string => typeof d === 'string')) };
      this.accepted.set(handler, accepted);
    }
    return accepted;
  }
}
