import { createParamDecorator, SetMetadata, UnauthorizedException } from '@nestjs/common';
import type { ExecutionContext } from '@nestjs/common';
import type { Actor, Role } from '@duban/domain/decider';
import { ROLES } from '@duban/domain/decider';
import { IS_PUBLIC_KEY, ROLES_KEY } from './access.constants';
import type { AccessRequest } from './access-request';

/**
 * Marks a route (or a whole controller) as open: no token is read and no role
 * is checked (health, readiness, docs). @CurrentActor() is not available there.
 */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC_KEY, true);

/**
 * The roles that may call a route. On a controller it applies to every
 * handler; on a handler it replaces the controller's list. A route that is
 * neither @Public nor @Roles is refused to everyone (403): access is denied
 * by default. Use `@Roles(...ROLES)` for "any signed-in user".
 *
 * Throws when the class is defined if the list is empty or names an unknown role.
 */
export const Roles = (...roles: Role[]): MethodDecorator & ClassDecorator => {
  if (roles.length === 0) throw new Error('@Roles() needs at least one role');
  const unknown = roles.filter((r) => !ROLES.includes(r));
  if (unknown.length > 0) throw new Error(`@Roles(): unknown role ${unknown.join(', ')} (roles: ${ROLES.join(', ')})`);
  return SetMetadata(ROLES_KEY, Object.freeze([...new Set(roles)]));
};

/** The authenticated Actor of the request ({ userId, unitId, role }), to hand to command handlers. */
export const CurrentActor = createParamDecorator((_data: unknown, context: ExecutionContext): Actor => {
  const request = context.switchToHttp().getRequest<AccessRequest>();
  if (!request.actor) throw new UnauthorizedException('authentication required');
  return request.actor;
});
