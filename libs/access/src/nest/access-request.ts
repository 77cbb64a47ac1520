import type { ExecutionContext } from '@nestjs/common';
import type { Reflector } from '@nestjs/core';
import type { Actor, Role } from '@duban/domain/decider';
import { IS_PUBLIC_KEY, ROLES_KEY } from './access.constants';

/**
 * The parts of the HTTP request the access layer reads, plus the Actor it
 * attaches. (Structural, so the layer needs no @types/express.)
 */
export interface AccessRequest {
  headers: Record<string, string | string[] | undefined>;
  method?: string;
  url?: string;
  originalUrl?: string;
  route?: { path?: unknown };
  /** Set by BearerAuthGuard once the bearer token is verified. */
  actor?: Actor;
}

/** The parts of the HTTP response the access layer writes (the WWW-Authenticate challenge). */
export interface AccessResponse {
  setHeader?(name: string, value: string): unknown;
}

/** True when the handler or its controller carries @Public(). */
export function isPublicRoute(reflector: Reflector, context: ExecutionContext): boolean {
  return reflector.getAllAndOverride<boolean | undefined>(IS_PUBLIC_KEY, [context.getHandler(), context.getClass()]) === true;
}

/** The roles declared by @Roles on the handler, else on the controller; undefined when neither declares any. */
export function declaredRoles(reflector: Reflector, context: ExecutionContext): readonly Role[] | undefined {
  return reflector.getAllAndOverride<readonly Role[] | undefined>(ROLES_KEY, [context.getHandler(), context.getClass()]);
}

/** "POST /tasks/:id/verify": the route pattern, not the concrete URL (so no ids or query text are echoed). */
export function describeRoute(request: AccessRequest): string {
  const pattern = typeof request.route?.path === 'string' ? request.route.path : (request.originalUrl ?? request.url ?? '?').split('?')[0];
  return `${request.method ?? '?'} ${pattern}`;
}
