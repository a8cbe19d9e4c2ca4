import type { FastifyReply, FastifyRequest } from 'fastify';
import { PROBLEM_CONTENT_TYPE } from './problem-details';
import { mapToProblem } from './problem-mapper';

/** Writes the problem for `exception`; logs unexpected errors (with stack) on the request's logger. */
export function sendProblem(exception: unknown, request: FastifyRequest, reply: FastifyReply): void {
  const mapped = mapToProblem(exception, request);
  if (mapped.unexpected) {
    request.log.error({ err: exception }, 'unexpected error while handling the request');
  } else if (mapped.fault) {
    request.log.warn({ err: exception, problem: mapped.body.type }, 'database fault: answered 503');
  }
  if (reply.sent) return;
  for (const [name, value] of Object.entries(mapped.headers)) void reply.header(name, value);
  void reply.status(mapped.body.status).type(PROBLEM_CONTENT_TYPE).send(mapped.body);
}
