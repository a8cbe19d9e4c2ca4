import type { FastifyReply, FastifyRequest } from 'fastify';
import { IncomingMessage, ServerResponse, STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { ProblemDetails, PROBLEM_CONTENT_TYPE, problem } from '../problem/problem-details';
import { sendProblem } from '../problem/send-problem';
import { securityHeaders } from './security-headers';

/**
 * Answers for requests refused before any route or hook runs — by Node's HTTP parser (a bad request line,
 * headers too large), by Node for an `Expect` it cannot meet, or by Fastify's router (a malformed URL, a
 * path parameter too long) — so that they too are problem+json with an X-Request-Id, the no-store and
 * security headers, and a log line, like every other response.
 */

let headersOnce: Record<string, string> | undefined;
function staticHeaders(): Record<string, string> {
  headersOnce ??= { ...securityHeaders(), 'Cache-Control': 'no-store' };
  return headersOnce;
}

function problemOf(status: number, code: string, title: string, detail: string, instance: string, requestId: string): ProblemDetails {
  return problem({ code, title, status, detail, instance, requestId });
}

/** Node's HTTP parser errors (`clientError`): the request never became a request, so the socket is answered directly. */
export function clientErrorHandler(logger: Logger, newRequestId: () => string): (err: Error & { code?: string }, socket: Duplex) => void {
  return (err, socket) => {
    if (err.code === 'ECONNRESET' || socket.destroyed) return; // the client is gone: nothing to answer
    const requestId = newRequestId();
    let answer: { status: number; code: string; title: string; detail: string };
    if (err.code === 'HPE_HEADER_OVERFLOW') {
      answer = {
        status: 431,
        code: 'headers-too-large',
        title: 'Request header fields too large',
        detail: 'The request headers are larger than this server accepts (16 KiB in all)',
      };
    } else if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT' || err.code === 'ERR_HTTP_HEADERS_TIMEOUT') {
      answer = { status: 408, code: 'request-timeout', title: 'Request timeout', detail: 'The request was not received in time' };
    } else {
      answer = {
        status: 400,
        code: 'malformed-request',
        title: 'Bad request',
        detail: 'The request is not well-formed HTTP/1.1 (request line, header or chunk encoding)',
      };
    }
    logger.info({ requestId, statusCode: answer.status, code: err.code }, 'malformed request refused before routing');
    if (socket.writable) {
      const body = JSON.stringify(problemOf(answer.status, answer.code, answer.title, answer.detail, '/', requestId));
      const headers: Record<string, string | number> = {
        ...staticHeaders(),
        'Content-Type': `${PROBLEM_CONTENT_TYPE}; charset=utf-8`,
        'Content-Length': Buffer.byteLength(body),
        'X-Request-Id': requestId,
        Connection: 'close',
      };
      const head = Object.entries(headers)
        .map(([name, value]) => `${name}: ${value}`)
        .join('\r\n');
      socket.write(`HTTP/1.1 ${answer.status} ${STATUS_CODES[answer.status]}\r\n${head}\r\n\r\n${body}`);
    }
    socket.destroy();
  };
}

/** Node's `checkExpectation`: an `Expect` header other than 100-continue is refused with 417 (RFC 9110 §10.1.1). */
export function expectationFailedHandler(logger: Logger, requestIdOf: (req: IncomingMessage) => string): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const requestId = requestIdOf(req);
    const instance = (req.url ?? '/').split('?')[0] || '/';
    const body = JSON.stringify(
      problemOf(
        417,
        'expectation-failed',
        'Expectation failed',
        'Only "Expect: 100-continue" is supported: send the request without this Expect header',
        instance,
        requestId,
      ),
    );
    logger.info({ requestId, method: req.method, statusCode: 417 }, 'request refused before routing: unsupported Expect');
    res.writeHead(417, {
      ...staticHeaders(),
      'Content-Type': `${PROBLEM_CONTENT_TYPE}; charset=utf-8`,
      'Content-Length': Buffer.byteLength(body),
      'X-Request-Id': requestId,
    });
    res.end(body);
  };
}

/** Fastify's `frameworkErrors` (a malformed URL, a path parameter over maxParamLength): the problem filter's answer. */
export function frameworkErrorHandler(error: Error, request: FastifyRequest, reply: FastifyReply): void {
  void reply.headers(staticHeaders());
  void reply.header('X-Request-Id', request.id);
  sendProblem(error, request, reply);
  request.log.info(
    { method: request.method, route: 'unmatched', statusCode: reply.statusCode, code: (error as { code?: string }).code },
    'request refused before routing',
  );
}
