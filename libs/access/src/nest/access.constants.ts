/** Injection token of the HS256 secret (read once at start-up; deliberately not exported by AccessModule). */
export const ACCESS_SECRET = Symbol('ACCESS_SECRET');

/** Metadata key set by @Public(). */
export const IS_PUBLIC_KEY = 'duban:access:public';

/** Metadata key set by @Roles(...). */
export const ROLES_KEY = 'duban:access:roles';

/**
 * Injection token of the live unit registry ({ current: UnitRegistry }) the
 * TokenService resolves a token's unit in. The host provides it (the api:
 * UnitsService); without it the application does not start.
 */
export const ACCESS_UNIT_REGISTRY = Symbol('ACCESS_UNIT_REGISTRY');

/** Injection token of the maximum token lifetime in seconds (DUBAN_TOKEN_MAX_LIFETIME, from APP_CONFIG). */
export const ACCESS_MAX_LIFETIME = Symbol('ACCESS_MAX_LIFETIME');
