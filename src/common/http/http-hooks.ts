import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { BadRequestError, DomainError } from '../errors/domain.error';
import { isCredentialParam, redactUrl } from '../logging/logger';
import { HttpMetrics } from '../metrics/http-metrics';
import { sendProblem } from '../problem/send-problem';
import { ALLOWED_METHODS } from './method-not-allowed';
import { securityHeaders } from './security-headers';

const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Keeps the caller's X-Request-Id when it is a sane token, else makes one. */
export function requestIdFrom(header: string | string[] | undefined, generate: () => string): string {
  const value = Array.isArray(header) ? header[0] : header;
  return value && SANE_REQUEST_ID.test(value) ? value : generate();
}

class CredentialInUrlError extends BadRequestError {
  override readonly code = 'credential-in-url';
}

class ShuttingDownError extends DomainError {
  readonly code = 'shutting-down';
  readonly status = 503;
  readonly title = 'Service unavailable';
  constructor() {
    super('This instance is shutting down: retry, another instance will answer', { headers: { 'Retry-After': '1', Connection: 'close' } });
  }
}

interface RouteEntry {
  pattern: RegExp;
  methods: Set<string>;
}

function patternOf(url: string): RegExp {
  const escaped = url
    .split('/')
    .map((seg) => (seg.startsWith(':') ? '[^/]+' : seg === '*' ? '.*' : seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  return new RegExp(`^${escaped}/?$`);
}

/**
 * Cross-cutting Fastify hooks: request id, no-store caching, refusal of credentials in URLs, one log line
 * and one metrics observation per request, problem+json for Fastify's own errors and 405 for a known path
 * with the wrong method. Call before the routes are registered (app.init()).
 */
declare module 'fastify' {
  interface FastifyContextConfig {
    /** A route's own body limit in bytes, smaller than BODY_LIMIT_BYTES (tip intake). */
    casefileBodyLimit?: number;
    /** Keep no network trace of the caller: no source IP or user agent in audit records (tip intake). */
    casefileNoClientTrace?: boolean;
  }
}

export function registerHttpHooks(fastify: FastifyInstance, metrics: HttpMetrics): void {
  const routes = new Map<string, RouteEntry>();
  fastify.addHook('onRoute', (route) => {
    // A route's own, smaller body limit (route config `casefileBodyLimit`, set with @RouteConfig): 413 above it.
    const ownLimit = route.config?.casefileBodyLimit;
    if (ownLimit) route.bodyLimit = ownLimit;
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    const entry = routes.get(route.url) ?? { pattern: patternOf(route.url), methods: new Set<string>() };
    for (const m of methods) entry.methods.add(m.toUpperCase());
    routes.set(route.url, entry);
  });

  // Graceful shutdown: once closing, responses to requests still in flight ask the client to drop the
  // keep-alive connection, so the server can finish closing as soon as they are sent; a request that
  // still arrives on such a connection gets a 503 problem.
  let closing = false;
  fastify.addHook('preClose', (done) => {
    closing = true;
    done();
  });

  const staticHeaders = { ...securityHeaders(), 'Cache-Control': 'no-store' };
  fastify.addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done) => {
    void reply.headers(staticHeaders);
    void reply.header('X-Request-Id', request.id);
    if (closing) {
      sendProblem(new ShuttingDownError(), request, reply);
      return;
    }
    const q = request.url.indexOf('?');
    if (q !== -1) {
      const params = new URLSearchParams(request.url.slice(q + 1));
      const offending = [...new Set(params.keys())].filter(isCredentialParam);
      if (offending.length > 0) {
        sendProblem(
          new CredentialInUrlError(`Credentials are never accepted in a URL (found: ${offending.join(', ')}); send them in the Authorization or X-API-Key header`),
          request,
          reply,
        );
        return;
      }
    }
    done();
  });

  fastify.addHook('onResponse', (request: FastifyRequest, reply: FastifyReply, done) => {
    const route = request.routeOptions?.url ?? 'unmatched';
    const seconds = reply.elapsedTime / 1000;
    metrics.observe(request.method, route, reply.statusCode, seconds);
    request.log.info(
      {
        method: request.method,
        url: redactUrl(request.url),
        route,
        statusCode: reply.statusCode,
        responseTimeMs: Math.round(reply.elapsedTime * 100) / 100,
        principal: request.principal ? `${request.principal.kind}:${request.principal.id}` : undefined,
      },
      'request completed',
    );
    done();
  });

  fastify.addHook('onSend', (_request, reply, payload, done) => {
    if (closing) void reply.header('Connection', 'close');
    done(null, payload);
  });

  // Fastify's own errors (bad JSON, 413, 415) reach Nest's error handler and so the ProblemDetailsFilter;
  // those raised before routing go through pre-routing-errors.ts.

  fastify.decorate(ALLOWED_METHODS, (path: string): string[] => {
    const allowed = new Set<string>();
    for (const entry of routes.values()) if (entry.pattern.test(path)) for (const m of entry.methods) allowed.add(m);
    return [...allowed].sort();
  });
}

