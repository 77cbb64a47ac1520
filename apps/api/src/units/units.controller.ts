import { BadRequestException, Body, Controller, Get, NotFoundException, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { CurrentActor, Roles } from '@duban/access';
import { ROLES } from '@duban/domain/decider';
import type { Actor } from '@duban/domain/decider';
import { normalizeUnitName } from '@duban/domain/units';
import type { AddUnit, AddUnitAlias, UnitRegistry } from '@duban/domain/units';
import { effectiveTime, envelopeFrom, ifMatchVersion } from '../common/command-context';
import { commandResponse } from '../common/command-response';
import { AddUnitAliasDto, AddUnitDto, ResolveNamesDto } from './dto';
import { UnitsService } from './units.service';

/** One unit with where it sits in the tree; null when the registry does not hold it. */
export function unitView(registry: UnitRegistry, unitId: string) {
  const unit = registry.get(unitId);
  if (unit === undefined) return null;
  return { ...unit, ancestors: registry.ancestors(unitId), children: registry.children(unitId) };
}

@ApiTags('units 单位')
@ApiBearerAuth()
@Controller('units')
export class UnitsController {
  constructor(private readonly units: UnitsService) {}

  @Post()
  @Roles('admin')
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'A retried POST with the same key returns the first response and writes nothing new' })
  @ApiHeader({ name: 'If-Match', required: false, description: 'The unit-registry stream version the caller last saw; 412 when it has moved on' })
  @ApiOperation({
    summary:
      'Add a unit to the registry (admin). Recorded as unit.added.v1 on the unit-registry stream; the write path accepts it at once. 409 when the id or an alias already names a unit or group, 422 for an unknown parent, kind or ranking group',
  })
  async add(@Body() dto: AddUnitDto, @CurrentActor() actor: Actor, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    const now = new Date();
    const command: AddUnit = {
      type: 'AddUnit',
      at: effectiveTime(actor, dto.effectiveAt, now),
      actor,
      data: {
        id: dto.id,
        kind: dto.kind,
        parent: dto.parent,
        ...(dto.group !== undefined ? { group: dto.group } : {}),
        ...(dto.aliases !== undefined ? { aliases: dto.aliases } : {}),
        ...(dto.localAliases !== undefined ? { localAliases: dto.localAliases } : {}),
        ...(dto.note !== undefined ? { note: dto.note } : {}),
      },
    };
    const result = await this.units.execute(command, envelopeFrom(req, actor, now), ifMatchVersion(req));
    res.status(201);
    return commandResponse(res, result, (registry) => unitView(registry, normalizeUnitName(dto.id)));
  }

  @Post(':unitId/aliases')
  @Roles('admin')
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'A retried POST with the same key returns the first response and writes nothing new' })
  @ApiHeader({ name: 'If-Match', required: false, description: 'The unit-registry stream version the caller last saw; 412 when it has moved on' })
  @ApiOperation({
    summary:
      'Add a global alias to a unit (admin). Recorded as unit.alias_added.v1; 404 for an unknown unit id, 409 when the alias already names a unit or group',
  })
  async addAlias(
    @Param('unitId') unitId: string,
    @Body() dto: AddUnitAliasDto,
    @CurrentActor() actor: Actor,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    const now = new Date();
    const command: AddUnitAlias = { type: 'AddUnitAlias', at: effectiveTime(actor, dto.effectiveAt, now), actor, data: { unitId, alias: dto.alias } };
    const result = await this.units.execute(command, envelopeFrom(req, actor, now), ifMatchVersion(req));
    res.status(201);
    return commandResponse(res, result, (registry) => unitView(registry, unitId));
  }

  // declared before ':unitId', so "resolve" is never taken for a unit id
  @Get()
  @Roles('supervisor', 'unit', 'auditor', 'admin')
  @ApiOperation({ summary: 'The unit registry: every unit with its parent, group (开发区 / 县市 / 市内区) and aliases, additions included' })
  list() {
    return this.units.current.units;
  }

  @Get('resolve')
  @Roles(...ROLES)
  @ApiOperation({
    summary:
      'Resolve a written list of units ("市财政局、编办、各开发区") against the current registry: unit ids (groups expanded), unresolved names with their reason, and one entry per item. Exact, never guessed',
  })
  resolve(@Query() q: ResolveNamesDto) {
    const registry = this.units.current;
    if (q.scope !== undefined && !registry.has(q.scope)) {
      throw new BadRequestException(`scope ${JSON.stringify(q.scope)} is not a unit id`);
    }
    return registry.resolveList(q.names, q.scope !== undefined ? { scope: q.scope } : {});
  }

  @Get(':unitId')
  @Roles(...ROLES)
  @ApiOperation({ summary: 'One unit (by id) with its ancestors and children; version/position are those of the unit-registry stream' })
  get(@Param('unitId') unitId: string, @Res({ passthrough: true }) res: Response) {
    const registry = this.units.current;
    const version = this.units.streamVersion;
    const item = unitView(registry, unitId);
    if (item === null) {
      const named = registry.resolve(unitId);
      throw new NotFoundException(
        named === null
          ? `unit ${unitId} does not exist (GET /api/v1/units/resolve?names=… finds the id of a name)`
          : `unit ${unitId} does not exist; "${unitId}" is a name of "${named.unitId}", use the id`,
      );
    }
    if (version !== null) res.setHeader('ETag', `"${version}"`);
    return { version: version === null ? null : Number(version), position: this.units.position.toString(), item };
  }
}
