import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { ModulesContainer } from '@nestjs/core';
import { AUTHENTICATED, AuthenticatedOptions } from '../../src/access/authenticated.decorator';
import { IS_PUBLIC } from '../../src/access/public.decorator';
import type { TestApp } from './test-app';

export interface RouteInfo {
  method: string;
  path: string;
  handler: string;
  isPublic: boolean;
  rule?: Required<AuthenticatedOptions>;
}

const UNPREFIXED = new Set(['health/live', 'health/ready', 'metrics']);

/** Every route the app's controllers declare, with its access metadata (method, then class). */
export function registeredRoutes(t: TestApp): RouteInfo[] {
  const routes: RouteInfo[] = [];
  for (const module of t.app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const type = wrapper.metatype as (new (...args: unknown[]) => unknown) | undefined;
      if (!type) continue;
      const base = String(Reflect.getMetadata(PATH_METADATA, type) ?? '');
      const proto = type.prototype as Record<string, unknown>;
      for (const name of Object.getOwnPropertyNames(proto)) {
        const fn = proto[name];
        if (name === 'constructor' || typeof fn !== 'function') continue;
        const method = Reflect.getMetadata(METHOD_METADATA, fn) as RequestMethod | undefined;
        if (method === undefined) continue;
        const sub = String(Reflect.getMetadata(PATH_METADATA, fn) ?? '');
        const joined = [base, sub].filter((p) => p && p !== '/').join('/').replace(/\/+/g, '/').replace(/^\//, '');
        const path = UNPREFIXED.has(joined) ? `/${joined}` : `/api/v1/${joined}`;
        routes.push({
          method: RequestMethod[method],
          path,
          handler: `${type.name}.${name}`,
          isPublic: Boolean(Reflect.getMetadata(IS_PUBLIC, fn) ?? Reflect.getMetadata(IS_PUBLIC, type)),
          rule: (Reflect.getMetadata(AUTHENTICATED, fn) ?? Reflect.getMetadata(AUTHENTICATED, type)) as Required<AuthenticatedOptions> | undefined,
        });
      }
    }
  }
  return routes;
}

/** A concrete URL for a route pattern (path parameters become a well-formed, unknown UUID). */
export function concrete(path: string): string {
  return path.replace(/:[A-Za-z]+/g, '0190aaaa-0000-7000-8000-000000000000');
}
