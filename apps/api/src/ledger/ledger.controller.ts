import { BadRequestException, Controller, Get, Inject, Logger, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import type { Response } from 'express';
import { CurrentActor, Roles } from '@duban/access';
import { APP_CONFIG, AppConfig } from '@duban/config';
import type { Actor } from '@duban/domain/decider';
import { UNIT_CATEGORIES, UnitRegistry } from '@duban/domain/units';
import type { UnitCategory } from '@duban/domain/units';
import { ProjectionRunner } from '@duban/projections';
import type { AsOf, LedgerFilter, LedgerRow } from '@duban/projections/ledger';
import { InvalidLedgerQueryError, LedgerQuery, parseLedgerInstant, writeLedgerXlsx } from '@duban/projections/ledger';
import { IsGlobalPosition, ReadPositionDto, reachPosition, tryReachPosition } from '../common/read-your-writes';

const STATUSES = ['registered', 'reported', 'assigned', 'acknowledged', 'in_progress', 'submitted', 'closed'] as const;
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export class LedgerQueryDto extends ReadPositionDto {
  @ApiPropertyOptional({
    description:
      'The instant the ledger is asked as of: ISO 8601 with a zone, or a bare date (read as the end of that day, Asia/Shanghai). ' +
      'Without asOf and position: the live ledger, viewed now.',
    example: '2021-06-30T18:00+08:00',
  })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  asOf?: string;

  @ApiPropertyOptional({
    enum: ['recorded', 'effective'],
    default: 'recorded',
    description:
      'recorded: what the system knew at asOf (the log up to the last event recorded by then); effective: what was in effect at asOf ' +
      '(per item, the latest version whose event took effect by then — back-filled records count from their effective time)',
  })
  @IsOptional()
  @IsIn(['recorded', 'effective'])
  axis?: 'recorded' | 'effective';

  @ApiPropertyOptional({ description: 'Exact to the event: the ledger after the event at this global position (instead of asOf)', example: '1024' })
  @IsOptional()
  @IsGlobalPosition('position')
  position?: string;

  @ApiPropertyOptional({ description: 'Responsible unit', example: '中牟县' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  unit?: string;

  @ApiPropertyOptional({ enum: UNIT_CATEGORIES, description: 'Ranking group of the responsible unit' })
  @IsOptional()
  @IsIn(UNIT_CATEGORIES as unknown as string[])
  group?: UnitCategory;

  @ApiPropertyOptional({ description: '文号 of the source document', example: '郑政办〔2021〕34号' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  document?: string;

  @ApiPropertyOptional({ enum: STATUSES })
  @IsOptional()
  @IsIn(STATUSES as unknown as string[])
  status?: (typeof STATUSES)[number];

  @ApiPropertyOptional({ enum: ['task', 'issue'], description: 'task (a task share) or issue' })
  @IsOptional()
  @IsIn(['task', 'issue'])
  kind?: 'task' | 'issue';

  @ApiPropertyOptional({ enum: ['json', 'xlsx'], default: 'json', description: 'xlsx: the whole ledger as a workbook (no paging)' })
  @IsOptional()
  @IsIn(['json', 'xlsx'])
  format?: 'json' | 'xlsx';

  @ApiPropertyOptional({ default: 100, maximum: 5000, description: 'JSON page size' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(5000)
  limit?: number;

  @ApiPropertyOptional({ default: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER) // larger whole numbers cannot be bound to SQLite as integers
  offset?: number;
}

/**
 * The ledger (台账) with time travel.
 *
 * Who sees what: the supervision office, auditors and admins see every row;
 * a unit sees only the rows it is involved in — as responsible (责任), lead
 * (牵头) or cooperating (配合) unit — the same rule as GET /items; its other
 * filters apply within that. (domain.md: a unit never acts on another unit's
 * items; seeing the items it leads or cooperates on is part of its work.)
 */
@ApiTags('ledger 台账')
@ApiBearerAuth()
@Controller('ledger')
export class LedgerController {
  private readonly logger = new Logger('Ledger');

  constructor(
    @Inject(LedgerQuery) private readonly ledger: LedgerQuery,
    @Inject(ProjectionRunner) private readonly runner: ProjectionRunner,
    @Inject(UnitRegistry) private readonly units: UnitRegistry,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get()
  @Roles('supervisor', 'auditor', 'admin', 'unit')
  @ApiProduces('application/json', XLSX)
  @ApiOperation({
    summary:
      'The ledger as of an instant (recorded or effective axis) or exactly after a global position, with each row’s deadline, working days left or overdue, ' +
      'colour (green / yellow within 3 working days / red overdue / black 10+ working days overdue; closed rows uncoloured) and latest 进展情况; JSON pages or the whole ledger as .xlsx',
  })
  async get(@Query() q: LedgerQueryDto, @CurrentActor() actor: Actor, @Res() res: Response): Promise<void> {
    const at = this.asOf(q);
    if (q.unit !== undefined && !this.units.has(q.unit)) throw new BadRequestException(`unknown unit ${q.unit}`);
    await reachPosition(this.runner, q.minPosition);
    // exact to an event: let the read model reach it first; if it cannot (the position lies beyond the log), the answer says `incomplete`
    if (at !== 'live' && 'position' in at) await tryReachPosition(this.runner, at.position);

    const filter: LedgerFilter = {
      ...(q.unit !== undefined ? { unitId: q.unit } : {}),
      ...(q.group !== undefined ? { group: q.group } : {}),
      ...(q.document !== undefined ? { docNumber: q.document } : {}),
      ...(q.status !== undefined ? { status: q.status } : {}),
      ...(q.kind !== undefined ? { kind: q.kind } : {}),
      ...(actor.role === 'unit' ? { involvesUnit: actor.unitId } : {}),
    };
    try {
      if (q.format === 'xlsx') {
        if (q.limit !== undefined || q.offset !== undefined) throw new BadRequestException('limit and offset page the JSON ledger; the .xlsx holds every row');
        const scan = this.ledger.scan(at, filter);
        const stamp = scan.header.instant.replace(/[-:]/g, '').slice(0, 13); // 20210630T1000 (UTC)
        res.status(200);
        res.setHeader('Content-Type', XLSX);
        res.setHeader(
          'Content-Disposition',
          `attachment; filename="ledger-${stamp}Z.xlsx"; filename*=UTF-8''${encodeURIComponent(`督查事项台账-${stamp}Z.xlsx`)}`,
        );
        res.setHeader('Cache-Control', 'no-store');
        try {
          // the 说明 sheet names the thresholds that coloured the rows: the configured rule's (DUBAN_LADDER_RULE)
          await writeLedgerXlsx({ ...scan, filters: this.describeFilters(q, actor), policy: this.config.ladderRule.thresholds }, res);
        } catch (err) {
          // the status line is gone: all that is left is to cut the download short (the client sees a broken file, not a valid one)
          this.logger.error(`ledger export failed after it started: ${(err as Error).stack ?? String(err)}`);
          res.destroy();
        }
        return;
      }
      const snapshot =
        at === 'live'
          ? this.ledger.current({ ...filter, limit: q.limit ?? 100, offset: q.offset ?? 0 })
          : this.ledger.asOf(at, { ...filter, limit: q.limit ?? 100, offset: q.offset ?? 0 });
      res.status(200).json({ ...snapshot, rows: snapshot.rows.map(flat) });
    } catch (err) {
      if (err instanceof InvalidLedgerQueryError) throw new BadRequestException(err.message);
      throw err;
    }
  }

  private asOf(q: LedgerQueryDto): AsOf | 'live' {
    if (q.position !== undefined) {
      if (q.asOf !== undefined || q.axis !== undefined) throw new BadRequestException('give either position or asOf (with axis), not both');
      return { position: BigInt(q.position) };
    }
    if (q.asOf === undefined) {
      if (q.axis !== undefined) throw new BadRequestException('axis needs asOf');
      return 'live';
    }
    const instant = parseLedgerInstant(q.asOf);
    if (instant === null) {
      throw new BadRequestException('asOf must be an ISO 8601 instant with a zone (2021-06-30T18:00+08:00) or a date (2021-06-30: its end, Asia/Shanghai)');
    }
    return (q.axis ?? 'recorded') === 'effective' ? { effectiveAt: instant } : { recordedAt: instant };
  }

  private describeFilters(q: LedgerQueryDto, actor: Actor): Record<string, string> {
    return {
      ...(q.unit !== undefined ? { 责任单位: q.unit } : {}),
      ...(q.group !== undefined ? { 单位分组: q.group } : {}),
      ...(q.document !== undefined ? { 文号: q.document } : {}),
      ...(q.status !== undefined ? { 状态: q.status } : {}),
      ...(q.kind !== undefined ? { 类别: q.kind === 'task' ? '督办事项' : '问题' } : {}),
      ...(actor.role === 'unit' ? { 可见范围: `${actor.unitId}（责任、牵头或配合）` } : {}),
      导出人: `${actor.userId}（${actor.unitId}）`,
    };
  }
}

/** A row for JSON: the item's fields with its view beside them under `view`. */
function flat(row: LedgerRow) {
  return { ...row.item, view: row.view };
}
