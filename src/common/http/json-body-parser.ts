import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ValidationFailedError } from '../errors/domain.error';
import { jsonDepthExceeds, MAX_JSON_DEPTH, tooDeepPath } from '../input-rules';

type Done = (err: Error | null, body?: unknown) => void;

/**
 * The JSON body parser of every route: Fastify's own (prototype-poisoning checks, its 400 for malformed
 * JSON), behind a nesting limit. JSON nested thousands of levels deep parses, but overflows the stack of
 * whatever walks it next (validation, hashing, serialising), so it is refused here with a 400 naming the
 * path where it goes too deep.
 */
export function jsonBodyParser(fastify: FastifyInstance): (req: FastifyRequest, body: Buffer, done: Done) => void {
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  return (req, body, done) => {
    const text = body.toString('utf8');
    if (jsonDepthExceeds(text, MAX_JSON_DEPTH)) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        void parseJson(req, text, done); // malformed as well: the usual 400 for bad JSON
        return;
      }
      const field = tooDeepPath(parsed, MAX_JSON_DEPTH) ?? '(body)';
      done(
        new ValidationFailedError(
          [{ field, message: `nests objects or arrays deeper than ${MAX_JSON_DEPTH} levels` }],
          `The body nests deeper than ${MAX_JSON_DEPTH} levels`,
        ),
      );
      return;
    }
    void parseJson(req, text, done);
  };
}
