import { Injectable, UnauthorizedException } from '@nestjs/common';
import type { CanActivate, ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { InvalidToken } from '../tokens';
import { UnknownTokenUnit } from '../token-unit';
import type { AccessRequest, AccessResponse } from './access-request';
import { isPublicRoute } from './access-request';
import { TokenService } from './token.service';

const BEARER = /^Bearer[ ]+([A-Za-z0-9._~+/-]+=*)[ ]*$/i;

/**
 * Authentication: reads `Authorization: Bearer <token>`, verifies it and
 * attaches the Actor to the request. Missing or invalid → 401
 * `{ statusCode: 401, error: 'Unauthorized', message }` with a
 * `WWW-Authenticate: Bearer` challenge (RFC 6750). A token whose unit the
 * registry does not know is a 401 too, its body naming the unit (`unknownUnit`).
 * The Actor attached carries the unit's registry id. @Public routes pass untouched.
 * Only HTTP is handled; any other transport is refused.
 */
@Injectable()
export class BearerAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: TokenService,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    if (isPublicRoute(this.reflector, context)) return true;
    if (context.getType() !== 'http') return false;
    const http = context.switchToHttp();
    const request = http.getRequest<AccessRequest>();
    const response = http.getResponse<AccessResponse>();

    const header = request.headers.authorization;
    if (typeof header !== 'string' || header.trim() === '') {
      throw this.unauthorized(response, 'missing Authorization header (expected "Bearer <token>")');
    }
    const match = BEARER.exec(header);
    if (!match) throw this.unauthorized(response, 'Authorization header must be "Bearer <token>"');

    try {
      request.actor = this.tokens.verify(match[1]);
    } catch (err) {
      if (err instanceof InvalidToken) throw this.unauthorized(response, err.message, err.reason, err instanceof UnknownTokenUnit ? { unknownUnit: err.unit } : {});
      throw err;
    }
    return true;
  }

  private unauthorized(response: AccessResponse, message: string, reason?: string, details: Record<string, unknown> = {}): UnauthorizedException {
    const challenge = reason
      ? `Bearer realm="duban", error="invalid_token", error_description="${reason}"`
      : 'Bearer realm="duban"';
    if (typeof response?.setHeader === 'function') response.setHeader('WWW-Authenticate', challenge);
    if (Object.keys(details).length === 0) return new UnauthorizedException(message);
    return new UnauthorizedException({ statusCode: 401, error: 'Unauthorized', message, ...details });
  }
}
