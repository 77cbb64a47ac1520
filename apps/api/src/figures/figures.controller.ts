import { BadRequestException, Controller, ForbiddenException, Get, Query, ServiceUnavailableException } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, ValidateIf } from 'class-validator';
import { CurrentActor, Roles } from '@duban/access';
import type { Actor } from '@duban/domain/decider';
import type { UnitCategory } from '@duban/domain/units';
import { UNIT_CATEGORIES } from '@duban/domain/units';
import { ProjectionRunner } from '@duban/projections';
import type { FiguresRequest } from '@duban/projections/figures/figures.query';
import { FiguresNotReadyError, FiguresQuery } from '@duban/projections/figures/figures.query';
import type { PeriodKind } from '@duban/projections/figures/period';
import { InvalidFiguresQueryError, PERIOD_KINDS, periodEnded } from '@duban/projections/figures/period';
import { TARGETS_PROJECTION } from '@duban/projections/targets/targets.query';
import { IsGlobalPosition, reachPosition } from '../common/read-your-writes';

export class FiguresQueryDto {
  @ApiProperty({ enum: PERIOD_KINDS, description: '月考核 month, 季督导 quarter, 半年通报 half, 年度评价 year', example: 'month' })
  @IsIn(PERIOD_KINDS as unknown as string[], { message: `period must be one of ${PERIOD_KINDS.join(', ')}` })
  period!: PeriodKind;

  @ApiProperty({ minimum: 2000, maximum: 2100, example: 2021 })
  @Type(() => Number)
  @IsInt({ message: 'year must be a whole number' })
  @Min(2000)
  @Max(2100)
  year!: number;

  @ApiPropertyOptional({
    description: 'month 1–12, quarter 1–4, half 1–2 (1 = 上半年); omit for a year. Required unless period=year.',
    minimum: 1,
    maximum: 12,
    example: 6,
  })
  @ValidateIf((o: FiguresQueryDto) => o.period !== 'year' || o.index !== undefined)
  @Type(() => Number)
  @IsInt({ message: 'index must be a whole number (month 1–12, quarter 1–4, half 1–2)' })
  @Min(1)
  @Max(12)
  index?: number;

  @ApiPropertyOptional({ enum: UNIT_CATEGORIES, description: 'Only one ranking group', example: '开发区' })
  @IsOptional()
  @IsIn(UNIT_CATEGORIES as unknown as string[], { message: `group must be one of ${UNIT_CATEGORIES.join(', ')}` })
  group?: UnitCategory;

  @ApiPropertyOptional({
    description:
      'Take the figures as of this instant (ISO 8601 with offset; facts effective at or before it count). Default now; a past period is always taken at its end.',
    example: '2021-06-15T18:00:00+08:00',
  })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  asOf?: string;

  @ApiPropertyOptional({
    description:
      'Recompute from the log up to this global position — the one a bulletin recorded (with its asOf and rule) gives the same result again. Waits up to 2 s for the read model to reach it (503 otherwise).',
    example: '1234',
  })
  @IsOptional()
  @IsGlobalPosition('position')
  position?: string;

  @ApiPropertyOptional({
    description:
      'Scoring rule (id-vVERSION); default the current one, duban-score-v2 (with 目标完成率). Old versions stay computable: duban-score-v1 scores as bulletins published under it did.',
    example: 'duban-score-v2',
  })
  @IsOptional()
  @Matches(/^[a-z][a-z0-9-]*-v\d{1,6}$/, { message: 'rule must be written like duban-score-v2' })
  rule?: string;
}

const PROVENANCE_EXAMPLE = {
  period: { kind: 'month', year: 2021, index: 6, label: '2021年6月', start: '2021-06-01T00:00:00+08:00', end: '2021-07-01T00:00:00+08:00' },
  asOf: '2021-06-30T23:59:59.999+08:00',
  position: '1234',
  rule: { id: 'duban-score', version: 2, name: 'duban-score-v2' },
  definitions: 'duban-figures-v2',
};

const FIGURES_EXAMPLE = {
  ...PROVENANCE_EXAMPLE,
  units: [
    {
      unitId: '郑州航空港区',
      group: '开发区',
      due: 4,
      notYetDue: 0,
      assessed: 4,
      closed: 4,
      closedOnTime: 3,
      closedLate: 1,
      overdue: 0,
      withExtension: 1,
      closedInPeriod: 3,
      submissions: 4,
      rejections: 1,
      reopens: 0,
      overdueCarried: 0,
      onTimeRate: 0.75,
      closureRate: 1,
      reworkRate: 0.25,
      extensionRate: 0.25,
      targetCompletion: 0.95,
      targets: 4,
      score: 83,
      rank: 1,
      red: true,
      black: false,
    },
  ],
};

const LEADERBOARD_EXAMPLE = {
  ...PROVENANCE_EXAMPLE,
  groups: [
    {
      group: '开发区',
      scoredUnits: 2,
      listsDrawn: true,
      red: ['郑州航空港区'],
      black: ['郑东新区'],
      entries: [
        { rank: 1, unitId: '郑州航空港区', score: 83, red: true, black: false, due: 4, assessed: 4, onTimeRate: 0.75, closureRate: 1, reworkRate: 0.25, extensionRate: 0.25, targetCompletion: 0.95, overdue: 0, overdueCarried: 0, reopens: 0 },
        { rank: 2, unitId: '郑东新区', score: 58.5, red: false, black: true, due: 3, assessed: 3, onTimeRate: 0.6667, closureRate: 0.6667, reworkRate: 0, extensionRate: 0, targetCompletion: 0.5, overdue: 1, overdueCarried: 1, reopens: 2 },
        { rank: null, unitId: '郑州高新区', score: null, red: false, black: false, due: 0, assessed: 0, onTimeRate: null, closureRate: null, reworkRate: null, extensionRate: null, targetCompletion: null, overdue: 0, overdueCarried: 0, reopens: 0 },
      ],
    },
  ],
};

/**
 * Unit figures and the leaderboard (红黑榜 basis) per period (月/季/半年/年) and
 * group (开发区 / 县市 / 市内区). Definitions and the scoring rule: docs/figures.md.
 *
 * Who sees what: the supervision office, auditors and admins see everything.
 * A unit sees its own figures for any period, and the leaderboard of a period
 * that has ended — the leaderboard is what a bulletin (通报) publishes; the
 * ranking of a period still running is the office's working view.
 */
@ApiTags('figures and leaderboard')
@ApiBearerAuth()
@Controller()
export class FiguresController {
  constructor(
    private readonly figures: FiguresQuery,
    private readonly runner: ProjectionRunner,
  ) {}

  @Get('figures')
  @Roles('supervisor', 'auditor', 'admin', 'unit')
  @ApiOperation({
    summary:
      "Each unit's figures for a period: 按期办结率, 办结率, overdue, 退回率, 延期率, reopenings, 目标完成率 (null where the unit has no target in the period), score, rank and 红/黑榜 flags, with the rule and log position they were computed from. A unit sees only its own row.",
  })
  @ApiOkResponse({ description: 'The figures, with their provenance (period, asOf, position, rule, definitions)', schema: { example: FIGURES_EXAMPLE } })
  async unitFigures(@Query() q: FiguresQueryDto, @CurrentActor() actor: Actor) {
    const request = await this.request(q);
    const report = this.run(() => this.figures.unitFigures(request));
    return actor.role === 'unit' ? { ...report, units: report.units.filter((u) => u.unitId === actor.unitId) } : report;
  }

  @Get('leaderboard')
  @Roles('supervisor', 'auditor', 'admin', 'unit')
  @ApiOperation({
    summary:
      'The leaderboard: units ranked within 开发区 / 县市 / 市内区 (equal scores share a rank) under a named, versioned rule, with 目标完成率 where targets exist, red list (rank 1) and black list (last place) where at least 2 units are scored, with the rule and log position. Units see it once the period has ended.',
  })
  @ApiOkResponse({ description: 'The leaderboard by group, with its provenance', schema: { example: LEADERBOARD_EXAMPLE } })
  async leaderboard(@Query() q: FiguresQueryDto, @CurrentActor() actor: Actor) {
    const request = await this.request(q);
    if (actor.role === 'unit' && this.run(() => !periodEnded(request.period, new Date()))) {
      throw new ForbiddenException('the leaderboard of a period is published once the period has ended; a unit sees its own figures meanwhile (GET /figures)');
    }
    return this.run(() => this.figures.leaderboard(request));
  }

  private async request(q: FiguresQueryDto): Promise<FiguresRequest> {
    // the figures are computed from the figures and the targets read models (when the targets projection runs)
    const projections = this.runner.names.includes(TARGETS_PROJECTION) ? ['figures', TARGETS_PROJECTION] : ['figures'];
    await reachPosition(this.runner, q.position, { parameter: 'position', projections, readModel: 'the figures read model' });
    return {
      period: { kind: q.period, year: q.year, ...(q.index !== undefined ? { index: q.index } : {}) },
      ...(q.asOf !== undefined ? { asOf: q.asOf } : {}),
      ...(q.position !== undefined ? { atPosition: BigInt(q.position) } : {}),
      ...(q.rule !== undefined ? { rule: q.rule } : {}),
      ...(q.group !== undefined ? { group: q.group } : {}),
    };
  }

  /** Malformed periods, as-of instants and rules are the caller's mistake (400). */
  private run<T>(compute: () => T): T {
    try {
      return compute();
    } catch (err) {
      if (err instanceof InvalidFiguresQueryError) throw new BadRequestException(err.message);
      if (err instanceof FiguresNotReadyError) throw new ServiceUnavailableException(err.message);
      throw err;
    }
  }
}
