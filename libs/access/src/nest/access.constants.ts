/** Injection token of the HS256 secret (read once at start-up; deliberately not exported by AccessModule). */
export const ACCESS_SECRET = Symbol('ACCESS_SECRET');

/** Metadata key set by @Public(). */
export const IS_PUBLIC_KEY = 'duban:access:public';

/** Metadata key set by @Roles(...). */
export const ROLES_KEY = 'duban:access:roles';
