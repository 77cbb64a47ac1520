export { AccessModule } from './access.module';
export { AccessGuard } from './access.guard';
export { BearerAuthGuard } from './bearer-auth.guard';
export { RolesGuard } from './roles.guard';
export { TokenService } from './token.service';
export type { UnitRegistrySource } from './token.service';
export { CurrentActor, Public, Roles } from './decorators';
export { ACCESS_UNIT_REGISTRY, IS_PUBLIC_KEY, ROLES_KEY } from './access.constants';
export type { AccessRequest } from './access-request';
