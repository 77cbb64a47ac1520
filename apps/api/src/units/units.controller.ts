import { Inject, BadRequestException, Body, Controller, Get, NotFoundException, Param, Post, Put, Query, Req, Res } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@duban/config';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { CurrentActor, Roles } from '@duban/access';
import { ROLES } from '@duban/domain/decider';
import type { Actor } from '@duban/domain/decider';
import { normalizeUnitName } from '@duban/domain/units';
import type { AddUnit, AddUnitAlias, SetGroupMembers, UnitRegistry } from '@duban/domain/units';
import { effectiveTime, envelopeFrom, ifMatchVersion } from '../common/command-context';
import { commandResponse } from '../common/command-response';
import { AddUnitAliasDto, AddUnitDto, ResolveNamesDto, SetGroupMembersDto } from './dto';
import { UnitsService } from './units.service';

/** One unit with where it sits in the tree; null when the registry does not hold it. */
export function unitView(registry: UnitRegistry, unitId: string) {
  const unit = registry.get(unitId);
  if (unit === undefined) return null;
  return { ...unit, ancestors: registry.ancestors(unitId), children: registry.children(unitId) };
}

/**
 * One named group: its members (unit ids, expanded; null while unknown), how it
 * is defined, and whether an admin may set its members (PUT …/members); null
 * when the registry has no group with this id.
 */
export function groupView(registry: UnitRegistry, groupId: string) {
  const group = registry.getGroup(groupId);
  if (group === undefined) return null;
  return { ...group, membersSource: registry.membersSource(groupId)!, membersSettable: registry.membersSettable(groupId) };
}

@ApiTags('units 单位')
@ApiBearerAuth()
@Controller('units')
export class UnitsController {
  constructor(
    private readonly units: UnitsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

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
      at: effectiveTime(actor, dto.effectiveAt, now, this.config.effectiveTimeFloor),
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
    const command: AddUnitAlias = { type: 'AddUnitAlias', at: effectiveTime(actor, dto.effectiveAt, now, this.config.effectiveTimeFloor), actor, data: { unitId, alias: dto.alias } };
    const result = await this.units.execute(command, envelopeFrom(req, actor, now), ifMatchVersion(req));
    res.status(201);
    return commandResponse(res, result, (registry) => unitView(registry, unitId));
  }

  @Put('groups/:groupId/members')
  @Roles('admin')
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'A retried PUT with the same key returns the first response and writes nothing new' })
  @ApiHeader({ name: 'If-Match', required: false, description: 'The unit-registry stream version the caller last saw; 412 when it has moved on' })
  @ApiOperation({
    summary:
      'Say who the members of a group are that the seed data names without listing them (各产业集聚区; admin). The list replaces the current one; recorded as ' +
      'unit.group_members_set.v1 { groupId, members, previous, note? } on the unit-registry stream, and every resolution (imports, /units/resolve) expands the group from then on. ' +
      'The same units as now: 200 with events: [] (nothing written). 404 for an unknown group id; 409 GroupMembersFixed for a group the seed data defines ' +
      '(开发区 / 县市 / 市内区, 市内五区, 各区县(市), 各开发区、区县(市) …); 422 UnresolvedMemberNames listing the names that do not resolve, 422 for an empty list',
  })
  async setMembers(
    @Param('groupId') groupId: string,
    @Body() dto: SetGroupMembersDto,
    @CurrentActor() actor: Actor,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    const now = new Date();
    const command: SetGroupMembers = {
      type: 'SetGroupMembers',
      at: effectiveTime(actor, dto.effectiveAt, now, this.config.effectiveTimeFloor),
      actor,
      data: { groupId, members: dto.members, ...(dto.note !== undefined ? { note: dto.note } : {}) },
    };
    const result = await this.units.execute(command, envelopeFrom(req, actor, now), ifMatchVersion(req));
    return commandResponse(res, result, (registry) => groupView(registry, normalizeUnitName(groupId)));
  }

  // declared before ':unitId', so "resolve" and "groups" are never taken for a unit id
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

  @Get('groups')
  @Roles(...ROLES)
  @ApiOperation({
    summary:
      'The named groups (各开发区、区县(市), 开发区, 各产业集聚区 …): members (unit ids, expanded; null while unknown), membersSource ' +
      '(category | listed | unknown | set) and whether an admin may set the members',
  })
  groups() {
    const registry = this.units.current;
    return registry.groups.map((g) => groupView(registry, g.id)!);
  }

  @Get('groups/:groupId')
  @Roles(...ROLES)
  @ApiOperation({ summary: 'One group (by id) with its members; version/position are those of the unit-registry stream' })
  group(@Param('groupId') groupId: string, @Res({ passthrough: true }) res: Response) {
    const registry = this.units.current;
    const version = this.units.streamVersion;
    const item = groupView(registry, normalizeUnitName(groupId));
    if (item === null) {
      const named = registry.lookup(groupId);
      throw new NotFoundException(
        named?.type === 'group'
          ? `group ${groupId} does not exist; "${groupId}" is a name of "${named.groupId}", use the id`
          : named?.type === 'unit'
            ? `group ${groupId} does not exist; "${groupId}" names the unit "${named.unitId}" (GET /api/v1/units/${encodeURIComponent(named.unitId)})`
            : `group ${groupId} does not exist (GET /api/v1/units/groups lists them)`,
      );
    }
    if (version !== null) res.setHeader('ETag', `"${version}"`);
    return { version: version === null ? null : Number(version), position: this.units.position.toString(), item };
  }

  @Get(':unitId')
  @Roles(...ROLES)
  @ApiOperation({ summary: 'One unit (by id) with its ancestors and children; version/position are those of the unit-registry stream' })
  get(@Param('unitId') unitId: string, @Res({ passthrough: true }) res: Response) {
    const registry = this.units.current;
    const version = this.units.streamVersion;
    const item = unitView(registry, unitId);
    if (item === null) {
      const named = registry.lookup(unitId);
      throw new NotFoundException(
        named === null
          ? `unit ${unitId} does not exist (GET /api/v1/units/resolve?names=… finds the id of a name)`
          : named.type === 'group'
            ? `unit ${unitId} does not exist; "${unitId}" names the group "${named.groupId}" (GET /api/v1/units/groups/${encodeURIComponent(named.groupId)})`
            : `unit ${unitId} does not exist; "${unitId}" is a name of "${named.unitId}", use the id`,
      );
    }
    if (version !== null) res.setHeader('ETag', `"${version}"`);
    return { version: version === null ? null : Number(version), position: this.units.position.toString(), item };
  }
}
