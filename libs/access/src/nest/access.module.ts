import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { APP_CONFIG, jwtSecret } from '@duban/config';
import type { AppConfig } from '@duban/config';
import { assertUsableSecret } from '../tokens';
import { ACCESS_MAX_LIFETIME, ACCESS_SECRET } from './access.constants';
import { AccessGuard } from './access.guard';
import { BearerAuthGuard } from './bearer-auth.guard';
import { RolesGuard } from './roles.guard';
import { TokenService } from './token.service';

/**
 * Who may do what, at the HTTP boundary. Importing this module (once, in the
 * root module; it is global) protects EVERY route of the application:
 *
 *   - @Public()            no token needed (health, ready)
 *   - @Roles('supervisor') a valid bearer token whose role is listed
 *   - neither              403 for everyone (deny by default)
 *
 * Handlers receive the Actor with @CurrentActor(). Fine-grained rules (own
 * unit, own-unit verification, auditors never write) stay in the deciders.
 *
 * The secret is jwtSecret(APP_CONFIG), read once when the module starts; a
 * secret under 32 characters stops the start. It needs APP_CONFIG, i.e.
 * DubanConfigModule (global) imported by the application. The maximum token
 * lifetime is config.tokenMaxLifetimeSeconds (DUBAN_TOKEN_MAX_LIFETIME).
 *
 * The host must also provide ACCESS_UNIT_REGISTRY (the api's UnitsModule does):
 * a token's unit is resolved to a registry id when the request is
 * authenticated, and a unit the registry does not know is a 401.
 */
@Global()
@Module({
  providers: [
    {
      provide: ACCESS_SECRET,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig): string => {
        const secret = jwtSecret(config);
        assertUsableSecret(secret);
        return secret;
      },
    },
    { provide: ACCESS_MAX_LIFETIME, inject: [APP_CONFIG], useFactory: (config: AppConfig): number => config.tokenMaxLifetimeSeconds },
    TokenService,
    BearerAuthGuard,
    RolesGuard,
    AccessGuard,
    { provide: APP_GUARD, useExisting: AccessGuard },
  ],
  exports: [TokenService, BearerAuthGuard, RolesGuard],
})
export class AccessModule {}
