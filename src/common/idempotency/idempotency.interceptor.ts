import { CallHandler, ExecutionContext, HttpStatus, Injectable, NestInterceptor, SetMetadata } from '@nestjs/common';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants.js';
import { Reflector } from '@nestjs/core';
import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { catchError, from, Observable, of, switchMap, throwError } from 'rxjs';
import { BadRequestError, ConflictError, RuleViolationError } from '../errors/domain.error';
import type { Tx } from '../../database/database';
import { IdempotencyScope } from './idempotency-scope';
import { IdempotencyRepository } from './idempotency.repository';

const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;
export const REQUIRE_IDEMPOTENCY_KEY = 'casefile:require-idempotency-key';

/** Marks a POST whose callers must send an Idempotency-Key (tip intake: machines retry). 400 without. */
export const RequireIdempotencyKey = (): MethodDecorator => SetMetadata(REQUIRE_IDEMPOTENCY_KEY, true);

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * Idempotency-Key on POST, honoured for every authenticated principal: the same key and body replays the
 * first response (with `Idempotency-Replayed: true`); the same key with another body is 422; a key whose
 * first request is still running is 409. A request that fails releases its key. Public routes (login)
 * ignore the header: their responses hold credentials and are never stored.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(
    private readonly repository: IdempotencyRepository,
    private readonly reflector: Reflector,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    if (request.method !== 'POST') return next.handle();
    const header = request.headers['idempotency-key'];
    const key = Array.isArray(header) ? header[0] : header;
    const required = this.reflector.get<boolean | undefined>(REQUIRE_IDEMPOTENCY_KEY, context.getHandler()) === true;
    if (key === undefined) {
      if (required) throw new BadRequestError('This endpoint needs an Idempotency-Key header (a unique value per submission, reused on retries)');
      return next.handle();
    }
    if (!request.principal) return next.handle();
    if (!KEY_PATTERN.test(key)) throw new BadRequestError('Idempotency-Key must be 1 to 255 visible ASCII characters');

    const principal = `${request.principal.kind}:${request.principal.id}`;
    const path = request.url.split('?')[0];
    const hash = createHash('sha256').update(`POST ${path}\n${canonical(request.body ?? null)}`).digest('hex');
    const status = this.reflector.get<number | undefined>(HTTP_CODE_METADATA, context.getHandler()) ?? HttpStatus.CREATED;

    return from(this.repository.claim(principal, key, hash)).pipe(
      switchMap((claim) => {
        if (claim.outcome !== 'claimed' && claim.requestHash !== hash) {
          throw new RuleViolationError('idempotency-key-reused', 'This Idempotency-Key was already used with a different request body; use a new key for a new request');
        }
        if (claim.outcome === 'in_flight') {
          throw new ConflictError('idempotency-in-flight', 'A request with this Idempotency-Key is still being processed; retry shortly');
        }
        if (claim.outcome === 'completed') {
          void reply.status(claim.responseStatus).header('Idempotency-Replayed', 'true');
          return of(claim.responseBody);
        }
        const scope = new RequestIdempotency(this.repository, principal, key, status);
        request.idempotency = scope;
        return next.handle().pipe(
          // The change transaction stored the response with the change; a route that changed nothing in one
          // stores it now.
          switchMap((body: unknown) => (scope.completed ? of(body) : from(this.repository.complete(principal, key, status, body)).pipe(switchMap(() => of(body))))),
          // Once the change committed (with its response), a later failure keeps the key: the retry replays.
          catchError((err: unknown) => (scope.completed ? throwError(() => err) : from(this.repository.release(principal, key)).pipe(switchMap(() => throwError(() => err))))),
        );
      }),
    );
  }
}

/** The request's key, handed to its change transaction through the RequestContext. */
class RequestIdempotency implements IdempotencyScope {
  completed = false;
  /** The transaction the response rides with, until it commits (one that fails stores nothing). */
  private storedIn?: Tx;

  constructor(
    private readonly repository: IdempotencyRepository,
    private readonly principal: string,
    private readonly key: string,
    private readonly status: number,
  ) {}

  completeIn(tx: Tx, body: unknown): void {
    if (this.completed || this.storedIn === tx) return;
    this.repository.completeIn(tx, this.principal, this.key, this.status, body);
    this.storedIn = tx;
  }

  committed(tx: Tx): void {
    if (this.storedIn === tx) this.completed = true;
  }
}
