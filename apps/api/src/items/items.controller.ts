import { BadRequestException, Controller, Get, Query, ServiceUnavailableException } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { CurrentActor, Roles } from '@duban/access';
import type { Actor } from '@duban/domain/decider';
import { UnitRegistry } from '@duban/domain/units';
import { ItemsQuery, ProjectionRunner, ProjectionWaitTimeoutError } from '@duban/projections';

const STATUSES = ['registered', 'reported', 'assigned', 'acknowledged', 'in_progress', 'submitted', 'closed'] as const;
/** How long a query waits for the read models to reach a position it names. */
const READ_YOUR_WRITES_TIMEOUT_MS = 2000;

class ReadPositionDto {
  @ApiPropertyOptional({
    description: 'Read-your-writes: the global position a command returned; the query waits (at most 2 s) until the read models have reached it',
    example: '42',
  })
  @IsOptional()
  @Matches(/^\d{1,19}$/, { message: 'minPosition must be a global position (digits)' })
  minPosition?: string;
}

class ListItemsDto extends ReadPositionDto {
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
  offset?: number;
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
    await this.reach(q.minPosition);
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
      "What awaits the caller's action, soonest deadline first: a unit's items to sign for, report on or submit; for the supervision office, items to assign, completions to verify and extension requests",
  })
  async inbox(@Query() q: ReadPositionDto, @CurrentActor() actor: Actor) {
    await this.reach(q.minPosition);
    return actor.role === 'supervisor' ? this.items.supervisorInbox(new Date()) : this.items.inbox(actor.unitId, new Date());
  }

  private async reach(minPosition: string | undefined): Promise<void> {
    if (minPosition === undefined) return;
    try {
      await this.runner.waitFor(BigInt(minPosition), READ_YOUR_WRITES_TIMEOUT_MS);
    } catch (err) {
      if (err instanceof ProjectionWaitTimeoutError) {
        throw new ServiceUnavailableException(`the read models have not reached position ${minPosition} within 2 s: ${err.message}`);
      }
      throw err;
    }
  }
}
