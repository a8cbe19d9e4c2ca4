import Ajv, { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

/**
 * Holds every response of a test app to the OpenAPI document the app serves: the status must be declared
 * for the operation, the content type must be one the response declares (problem+json for problems), a JSON
 * body must match its schema, and each declared header that is required must be there and match its schema.
 * test-app.ts hooks it into every app (Fastify onSend), and the app's close() fails the test file on any
 * violation. What each app saw is also written for the run's coverage check (openapi-coverage.ts).
 */

export interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, OperationObject>>;
  components?: { schemas?: Record<string, unknown>; [k: string]: unknown };
  [k: string]: unknown;
}

export interface OperationObject {
  operationId?: string;
  responses: Record<string, ResponseObject>;
  [k: string]: unknown;
}

interface HeaderObject {
  required?: boolean;
  schema?: Record<string, unknown>;
}

interface ResponseObject {
  description?: string;
  headers?: Record<string, HeaderObject>;
  content?: Record<string, { schema?: unknown }>;
}

export interface ObservedResponse {
  method: string;
  /** The route pattern as Fastify knows it (`/api/v1/users/:id`), or undefined when no route matched. */
  route: string | undefined;
  url: string;
  status: number;
  headers: Record<string, string | string[] | number | undefined>;
  /** The serialised body, or undefined for a stream (not checked) or no body. */
  body: string | Buffer | undefined;
  streamed: boolean;
}

export interface Violation {
  operation: string;
  status: number;
  url: string;
  problem: string;
}

/**
 * Routes outside the contract, each with the reason it is not held to the document. Everything else the
 * app serves must be an operation of the document.
 */
export const OUTSIDE_THE_DOCUMENT: ReadonlyArray<{ route: RegExp; reason: string }> = [
  { route: /^\/__probe(\/|$)/, reason: 'test-only routes (test/support/probe.module.ts) that exercise cross-cutting behaviour; not part of the API' },
  { route: /^\/(docs|openapi\.(json|yaml))(\/|$)/, reason: 'the document and Swagger UI themselves' },
];

/** Where the document's components are registered with ajv (response schemas refer to them by this URI). */
const COMPONENTS_ID = 'https://casefile.invalid/openapi.json';

const JSON_MEDIA = /^application\/(.+\+)?json$/;

/** The OpenAPI path of a Fastify route pattern: `/users/:id` → `/users/{id}`. */
export function openApiPathOf(route: string): string {
  return route.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

export class OpenApiValidator {
  private readonly ajv: Ajv;
  private readonly validators = new Map<string, ValidateFunction>();
  private readonly doc: OpenApiDocument;

  constructor(document: OpenApiDocument) {
    this.doc = toJsonSchemaDialect(structuredClone(document));
    this.ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
    addFormats(this.ajv);
    // OpenAPI's own formats that say nothing checkable about a value.
    for (const format of ['binary', 'byte']) this.ajv.addFormat(format, true);
    this.ajv.addSchema({ $id: COMPONENTS_ID, components: this.doc.components ?? {} });
  }

  /** `METHOD /path/{param}` of an observed response, or undefined when the route is not an operation. */
  operationOf(method: string, route: string): { key: string; operation: OperationObject } | undefined {
    const path = openApiPathOf(route);
    const operation = this.doc.paths[path]?.[method.toLowerCase()];
    return operation ? { key: `${method.toUpperCase()} ${path}`, operation } : undefined;
  }

  check(res: ObservedResponse): Violation[] {
    if (res.route === undefined || res.method === 'HEAD' || res.method === 'OPTIONS') return [];
    if (OUTSIDE_THE_DOCUMENT.some((o) => o.route.test(res.route!.replace(/^\/api\/v1/, '')))) return [];
    const found = this.operationOf(res.method, res.route);
    const violation = (problem: string): Violation => ({ operation: found?.key ?? `${res.method} ${openApiPathOf(res.route!)}`, status: res.status, url: res.url, problem });
    if (!found) return [violation('the route is not in the document')];
    const responses = found.operation.responses;
    const declared = responses[String(res.status)] ?? responses[`${String(res.status)[0]}XX`] ?? responses.default;
    if (!declared) return [violation(`status ${res.status} is not declared (declared: ${Object.keys(responses).join(', ')})`)];

    const out: Violation[] = [];
    const responsePointer = `#/paths/${pointerEscape(openApiPathOf(res.route))}/${res.method.toLowerCase()}/responses/${responses[String(res.status)] ? res.status : `${String(res.status)[0]}XX`}`;
    for (const [name, header] of Object.entries(declared.headers ?? {})) {
      const value = headerValue(res.headers, name);
      if (value === undefined) {
        if (header.required) out.push(violation(`the required header ${name} is missing`));
        continue;
      }
      if (header.schema) {
        const errors = this.validate(`${responsePointer}/headers/${name}`, header.schema, coerce(value, header.schema));
        if (errors) out.push(violation(`header ${name}: ${JSON.stringify(value)} ${errors}`));
      }
    }

    const contentType = String(headerValue(res.headers, 'content-type') ?? '');
    const media = contentType.split(';')[0].trim().toLowerCase();
    const hasBody = res.streamed || (res.body !== undefined && res.body.length > 0);
    const content = declared.content ?? {};
    if (!hasBody) {
      if (Object.keys(content).length > 0 && res.status !== 204 && res.status !== 304) out.push(violation(`no body, but the document declares ${Object.keys(content).join(', ')}`));
      return out;
    }
    if (Object.keys(content).length === 0) return [...out, violation(`a body (${media || 'no content type'}) where the document declares none`)];
    const mediaKey = Object.keys(content).find((k) => mediaMatches(k, media));
    if (!mediaKey) return [...out, violation(`content type ${media || '(none)'} is not declared (declared: ${Object.keys(content).join(', ')})`)];
    const schema = content[mediaKey].schema;
    if (!schema || res.streamed || !JSON_MEDIA.test(media)) return out;
    let body: unknown;
    try {
      body = JSON.parse(res.body!.toString());
    } catch {
      return [...out, violation(`${media} body that is not JSON`)];
    }
    const errors = this.validate(`${responsePointer}/content/${pointerEscape(mediaKey)}`, schema, body);
    if (errors) out.push(violation(`body: ${errors}`));
    return out;
  }

  private validate(key: string, schema: unknown, value: unknown): string | undefined {
    let validate = this.validators.get(key);
    if (!validate) {
      validate = this.ajv.compile(schema as object);
      this.validators.set(key, validate);
    }
    if (validate(value)) return undefined;
    return this.ajv.errorsText(validate.errors?.slice(0, 5), { dataVar: '' });
  }
}

/**
 * OpenAPI 3.0 is not JSON Schema: `nullable: true` becomes a null-admitting type (or an anyOf with null),
 * and `$ref`s to components point at the components registered under COMPONENTS_ID.
 */
function toJsonSchemaDialect(doc: OpenApiDocument): OpenApiDocument {
  const walk = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(walk);
    if (!node || typeof node !== 'object') return node;
    const obj: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(node)) obj[k] = k === 'example' || k === 'examples' ? v : walk(v);
    if (typeof obj.$ref === 'string' && obj.$ref.startsWith('#/components/')) obj.$ref = `${COMPONENTS_ID}${obj.$ref}`;
    if (obj.nullable === true) {
      delete obj.nullable;
      if (typeof obj.type === 'string' && !obj.$ref && !obj.allOf && !obj.oneOf && !obj.anyOf) {
        obj.type = [obj.type, 'null'];
        if (Array.isArray(obj.enum) && !obj.enum.includes(null)) obj.enum = [...(obj.enum as unknown[]), null];
      } else {
        const rest = { ...obj };
        for (const k of Object.keys(obj)) if (k !== 'description') delete obj[k];
        obj.anyOf = [rest, { type: 'null' }];
      }
    }
    return obj;
  };
  return walk(doc) as OpenApiDocument;
}

function pointerEscape(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

function headerValue(headers: ObservedResponse['headers'], name: string): string | undefined {
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name.toLowerCase());
  const value = key === undefined ? undefined : headers[key];
  if (value === undefined) return undefined;
  return Array.isArray(value) ? value.join(', ') : String(value);
}

function coerce(value: string, schema: Record<string, unknown>): unknown {
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  if ((type === 'integer' || type === 'number') && /^-?\d+(\.\d+)?$/.test(value)) return Number(value);
  if (type === 'boolean' && (value === 'true' || value === 'false')) return value === 'true';
  return value;
}

function mediaMatches(declared: string, actual: string): boolean {
  const d = declared.split(';')[0].trim().toLowerCase();
  if (d === '*/*' || d === actual) return true;
  return d.endsWith('/*') && actual.startsWith(d.slice(0, -1));
}

/** What one app's responses amounted to: the operations and statuses seen, and every violation. */
export class ResponseLog {
  readonly seen = new Map<string, Set<number>>();
  readonly violations: Violation[] = [];
  private validator: OpenApiValidator | undefined;

  /** Starts checking (the document exists once the app is initialised). */
  holdTo(document: OpenApiDocument): void {
    this.validator = new OpenApiValidator(document);
  }

  observe(res: ObservedResponse): void {
    if (!this.validator || res.route === undefined) return;
    const op = this.validator.operationOf(res.method, res.route);
    if (op) {
      const statuses = this.seen.get(op.key) ?? new Set<number>();
      statuses.add(res.status);
      this.seen.set(op.key, statuses);
    }
    this.violations.push(...this.validator.check(res));
  }
}

type Hookable = {
  addHook(
    name: 'onSend',
    hook: (
      request: { method: string; url: string; routeOptions?: { url?: string } },
      reply: { statusCode: number; getHeaders(): Record<string, string | string[] | number | undefined> },
      payload: unknown,
    ) => Promise<unknown>,
  ): unknown;
};

/** Every response of a Fastify instance goes through `log` (an onSend hook: the payload as it is sent). */
export function recordResponses(fastify: Hookable, log: ResponseLog): void {
  fastify.addHook('onSend', async (request, reply, payload) => {
    const streamed = payload !== null && typeof payload === 'object' && typeof (payload as { pipe?: unknown }).pipe === 'function';
    log.observe({
      method: request.method,
      route: request.routeOptions?.url,
      url: request.url,
      status: reply.statusCode,
      headers: reply.getHeaders(),
      body: streamed || !(typeof payload === 'string' || Buffer.isBuffer(payload)) ? undefined : payload,
      streamed,
    });
    return payload;
  });
}
