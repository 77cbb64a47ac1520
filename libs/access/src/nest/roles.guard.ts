import { ForbiddenException, Injectable, UnauthorizedException } from '@nestjs/common';
import type { CanActivate, ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { AccessRequest } from './access-request';
import { declaredRoles, describeRoute, isPublicRoute } from './access-request';

/**
 * Authorisation by coarse role: the Actor's role must be one the route (or its
 * controller) names in @Roles. Wrong role → 403
 * `{ statusCode: 403, error: 'Forbidden', message: 'role auditor may not POST /tasks (allowed: supervisor)' }`.
 * A route with neither @Public nor @Roles is refused to everyone (deny by default).
 * Runs after BearerAuthGuard (AccessGuard sequences the two).
 */
@Injectable()
export class RolesGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    if (isPublicRoute(this.reflector, context)) return true;
    if (context.getType() !== 'http') return false;
    const request = context.switchToHttp().getRequest<AccessRequest>();
    const actor = request.actor;
    if (!actor) throw new UnauthorizedException('authentication required');

    const roles = declaredRoles(this.reflector, context);
    const route = describeRoute(request);
    if (!roles || roles.length === 0) {
      throw new ForbiddenException(`${route} declares no @Roles, so no role may call it`);
    }
    if (!roles.includes(actor.role)) {
      throw new ForbiddenException(`role ${actor.role} may not ${route} (allowed: ${roles.join(', ')})`);
    }
    return true;
  }
}
