import helmet from 'helmet';

/**
 * Helmet's security headers, computed once at boot (helmet would rebuild its Content-Security-Policy on
 * every request) and set on every response by the onRequest hook. The CSP lets Swagger UI at /docs run.
 */
export function securityHeaders(): Record<string, string> {
  const headers: Record<string, string> = {};
  const res = {
    setHeader: (name: string, value: unknown): void => {
      headers[name] = String(value);
    },
    removeHeader: (name: string): void => {
      delete headers[name];
    },
  };
  const middleware = helmet({
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'", "'unsafe-inline'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        upgradeInsecureRequests: null,
      },
    },
  });
  middleware({} as never, res as never, () => undefined);
  return headers;
}
