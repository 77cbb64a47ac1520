import { BadRequestException, Controller, Get, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import type { Response } from 'express';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Max, Min } from 'class-validator';
import { CurrentActor, Roles } from '@duban/access';
import type { Actor } from '@duban/domain/decider';
import { UnitRegistry } from '@duban/domain/units';
import { ItemsQuery, ProjectionRunner } from '@duban/projections';
import { ReadPositionDto, reachPosition } from '../common/read-your-writes';
import { pageBody } from './page-json';

const STATUSES = ['registered', 'reported', 'assigned', 'acknowledged', 'in_progress', 'submitted', 'closed'] as const;

/** A page of GET /items or GET /inbox: 50 rows by default, at most 1000. */
class PageDto extends ReadPositionDto {
  @ApiPropertyOptional({ default: 50, maximum: 1000 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;

  @ApiPropertyOptional({ default: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER) // larger whole numbers cannot be bound to SQLite as integers
  offset?: number;
}

class ListItemsDto extends PageDto {
  @ApiPropertyOptional({ description: 'Responsible unit', example: '中牟县' })
  @IsOptional()
  @IsString()
  unit?: string;

  @ApiPropertyOptional({ enum: STATUSES })
  @IsOptional()
  @IsIn(STATUSES as unknown as string[])
  status?: (typeof STATUSES)[number];

  @ApiPropertyOptional({ description: 'Only items past their deadline and not closed (now)' })
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean({ message: 'overdue must be true or false' })
  overdue?: boolean;

  @ApiPropertyOptional({ description: '文号 of the source document', example: '郑政办〔2021〕34号' })
  @IsOptional()
  @IsString()
  document?: string;

  @ApiPropertyOptional({ enum: ['task', 'issue'], description: 'task (a task share) or issue' })
  @IsOptional()
  @IsIn(['task', 'issue'])
  kind?: 'task' | 'issue';
}

@ApiTags('ledger and inboxes')
@ApiBearerAuth()
@Controller()
export class ItemsController {
  constructor(
    private readonly items: ItemsQuery,
    private readonly runner: ProjectionRunner,
    private readonly units: UnitRegistry,
  ) {}

  @Get('items')
  @Roles('supervisor', 'unit', 'auditor', 'admin')
  @ApiOperation({ summary: 'Task shares and issues with filters (a unit sees only what it leads, delivers or cooperates on)' })
  async list(@Query() q: ListItemsDto, @CurrentActor() actor: Actor) {
    await reachPosition(this.runner, q.minPosition);
    if (q.unit !== undefined && !this.units.has(q.unit)) throw new BadRequestException(`unknown unit ${q.unit}`);
    return this.items.list({
      ...(q.unit !== undefined ? { unitId: q.unit } : {}),
      ...(actor.role === 'unit' ? { involvesUnit: actor.unitId } : {}),
      ...(q.status ? { status: q.status } : {}),
      ...(q.overdue ? { overdueAt: new Date() } : {}),
      ...(q.document ? { docNumber: q.document } : {}),
      ...(q.kind ? { kind: q.kind } : {}),
      limit: q.limit ?? 50,
      offset: q.offset ?? 0,
    });
  }

  @Get('inbox')
  @Roles('supervisor', 'unit')
  @ApiOperation({
    summary:
      "What awaits the caller's action, soonest deadline first: a unit's items to sign for, report on or submit (with the 催办通知 of an urged item as `notice`); " +
      'for the supervision office, items to assign, completions to verify, extension requests, and open items the ladder escalated (督办: needs supervise) or listed (通报批评: needs criticise)',
  })
  // The body is written by pageBody (each item's bytes kept while its page is cached) and sent as it is: no
  // ETag, because `msToDeadline` moves with the clock, so no two responses are alike and hashing 45 KB per
  // request would only cost time.
  @ApiOkResponse({ description: '{ rows: [{ item, needs, overdue, msToDeadline, notice }], total, limit, offset }; each item with its nextStep' })
  async inbox(@Query() q: PageDto, @CurrentActor() actor: Actor, @Res() res: Response): Promise<void> {
    await reachPosition(this.runner, q.minPosition);
    const paging = { limit: q.limit ?? 50, offset: q.offset ?? 0 };
    const page = actor.role === 'supervisor' ? this.items.supervisorInbox(new Date(), paging) : this.items.inbox(actor.unitId, new Date(), paging);
    res.status(200).setHeader('Content-Type', 'application/json; charset=utf-8');
    res.end(pageBody(page));
  }
}
