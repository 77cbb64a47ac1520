import { Injectable } from '@nestjs/common';
import type { CanActivate, ExecutionContext } from '@nestjs/common';
import { BearerAuthGuard } from './bearer-auth.guard';
import { RolesGuard } from './roles.guard';

/**
 * The one global guard (APP_GUARD): authentication, then roles, always in
 * that order. (Two separate APP_GUARD providers would leave the order to
 * provider registration; one guard makes it explicit.)
 */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(
    private readonly bearer: BearerAuthGuard,
    private readonly roles: RolesGuard,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    return this.bearer.canActivate(context) && this.roles.canActivate(context);
  }
}
