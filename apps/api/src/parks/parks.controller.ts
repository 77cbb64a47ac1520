import { Inject, Body, Controller, ForbiddenException, Get, HttpCode, NotFoundException, Param, Post, Req, Res } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@duban/config';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { CurrentActor, Roles } from '@duban/access';
import { GetHistoryQuery } from '@duban/application';
import { ExecuteParkCommand, GetParkFindingsQuery, GetParkQuery, parkStream } from '@duban/application/parks';
import type { Actor } from '@duban/domain/decider';
import type { MonthlyReportFigures, ParkCommand, ParkState, RegisteredPark, StarLevel } from '@duban/domain/park';
import { PARK_AUTHORITY_UNIT } from '@duban/domain/park';
import { effectiveTime, envelopeFrom, ifMatchVersion, newItemId } from '../common/command-context';
import { commandResponse } from '../common/command-response';
import { historyView } from '../common/history-view';
import { CertifyDto, CorrectionDto, MilestoneDto, MonthlyReportDto, RegisterParkDto, ReportFiguresDto, StarsDto } from './dto';

/** A unit sees its own district's parks, and 市工信局 (the park authority) sees all; other roles see all. */
export function canReadPark(actor: Actor, park: RegisteredPark): boolean {
  return actor.role !== 'unit' || actor.unitId === park.district || actor.unitId === PARK_AUTHORITY_UNIT;
}

const view = (state: ParkState) => state;

/** `<parkId>:<YYYY-MM>:r<revision>`. */
const REPORT_ID = /^(.+):(\d{4})-(\d{2}):r(\d+)$/;

type ParkData<T extends ParkCommand['type']> = Omit<Extract<ParkCommand, { type: T }>['data'], 'parkId'>;

function figures(dto: ReportFiguresDto): Omit<MonthlyReportFigures, 'year' | 'month'> {
  return {
    cumulativeInvestmentWan: dto.cumulativeInvestmentWan,
    enterpriseCount: dto.enterpriseCount,
    specializedCount: dto.specializedCount,
    techCount: dto.techCount,
    taxPerMuWan: dto.taxPerMuWan,
    ...(dto.enterpriseTaxes
      ? { enterpriseTaxes: dto.enterpriseTaxes.map((e) => ({ name: e.name, ...(e.creditCode !== undefined ? { creditCode: e.creditCode } : {}), taxPerMuWan: e.taxPerMuWan })) }
      : {}),
  };
}

@ApiTags('parks 小微企业园')
@ApiBearerAuth()
@ApiHeader({ name: 'Idempotency-Key', required: false, description: 'A retried POST with the same key returns the first response and writes nothing new' })
@ApiHeader({ name: 'If-Match', required: false, description: 'The version the caller last saw; 412 when the park has moved on' })
@Controller('parks')
export class ParksController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Post()
  @Roles('supervisor', 'unit')
  @ApiOperation({ summary: 'Register a 小微企业园 (the district itself, or the supervision office); rule findings become issues on the ledger' })
  async register(@Body() dto: RegisterParkDto, @CurrentActor() actor: Actor, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    const now = new Date();
    const envelope = envelopeFrom(req, actor, now);
    const command: ParkCommand = {
      type: 'RegisterPark',
      at: effectiveTime(actor, dto.effectiveAt, now, this.config.effectiveTimeFloor),
      actor,
      data: {
        parkId: dto.parkId ?? newItemId(envelope),
        name: dto.name,
        district: dto.district,
        type: dto.type,
        landUse: dto.landUse,
        landAreaMu: dto.landAreaMu,
        floorAreaM2: dto.floorAreaM2,
        ...(dto.plotRatio !== undefined ? { plotRatio: dto.plotRatio } : {}),
        leadIndustry: dto.leadIndustry,
        nonProductionLandPercent: dto.nonProductionLandPercent,
        nonProductionFloorPercent: dto.nonProductionFloorPercent,
        ...(dto.sizeRelaxations ? { sizeRelaxations: [...dto.sizeRelaxations] } : {}),
      },
    };
    const result = await this.commands.execute(new ExecuteParkCommand(command, envelope, ifMatchVersion(req)));
    res.status(201);
    return commandResponse(res, result, view);
  }

  @Get(':parkId')
  @Roles('supervisor', 'unit', 'auditor', 'admin')
  @ApiOperation({ summary: 'One park: registered figures, milestones, current monthly reports, 认定, 星级 and awards due (ETag = version)' })
  async get(@Param('parkId') parkId: string, @CurrentActor() actor: Actor, @Res({ passthrough: true }) res: Response) {
    const loaded = await this.readable(parkId, actor);
    res.setHeader('ETag', `"${loaded.version}"`);
    return { version: Number(loaded.version), position: loaded.position.toString(), item: loaded.state };
  }

  @Get(':parkId/history')
  @Roles('supervisor', 'unit', 'auditor', 'admin')
  @ApiOperation({ summary: "The park's events, oldest first" })
  async history(@Param('parkId') parkId: string, @CurrentActor() actor: Actor) {
    await this.readable(parkId, actor);
    return historyView(await this.queries.execute(new GetHistoryQuery(parkStream(parkId))));
  }

  @Get(':parkId/findings')
  @Roles('supervisor', 'unit', 'auditor', 'admin')
  @ApiOperation({
    summary:
      "The park's current rule findings (seed 001 size, plot ratio, non-production limits; seed 000 (十七) 亩均税收 of the latest report), computed, each with the issue it becomes and that issue's status",
  })
  async findings(@Param('parkId') parkId: string, @CurrentActor() actor: Actor) {
    await this.readable(parkId, actor);
    const found = await this.queries.execute(new GetParkFindingsQuery(parkId));
    return { parkId, version: Number(found.version), position: found.position.toString(), findings: found.findings };
  }

  @Post(':parkId/milestones')
  @HttpCode(200)
  @Roles('supervisor', 'unit')
  @ApiOperation({ summary: 'Record the next milestone: 供地 → 开工 → 竣工 → 入驻 → 达产' })
  milestone(@Param('parkId') parkId: string, @Body() dto: MilestoneDto, @CurrentActor() actor: Actor, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    return this.run('RecordParkMilestone', parkId, dto.effectiveAt, { milestone: dto.milestone, date: dto.date }, actor, req, res);
  }

  @Post(':parkId/monthly-reports')
  @HttpCode(200)
  @Roles('supervisor', 'unit')
  @ApiOperation({ summary: '月报: one per month (a second one is refused: correct it instead); feeds the district targets and the 亩均税收 rule' })
  report(@Param('parkId') parkId: string, @Body() dto: MonthlyReportDto, @CurrentActor() actor: Actor, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    return this.run('SubmitMonthlyReport', parkId, dto.effectiveAt, { year: dto.year, month: dto.month, ...figures(dto) }, actor, req, res);
  }

  @Post(':parkId/monthly-reports/:reportId/corrections')
  @HttpCode(200)
  @Roles('supervisor', 'unit')
  @ApiOperation({ summary: "Correct a month's report (it must be the month's current report: 409 otherwise); the new revision refers to it" })
  correct(
    @Param('parkId') parkId: string,
    @Param('reportId') reportId: string,
    @Body() dto: CorrectionDto,
    @CurrentActor() actor: Actor,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    const m = REPORT_ID.exec(reportId);
    if (!m || m[1] !== parkId) throw new NotFoundException(`${reportId} is not a report id of park ${parkId} (<parkId>:<YYYY-MM>:r<n>)`);
    const data: ParkData<'CorrectMonthlyReport'> = { year: Number(m[2]), month: Number(m[3]), ...figures(dto), reason: dto.reason };
    return this.run('CorrectMonthlyReport', parkId, dto.effectiveAt, data, actor, req, res, reportId);
  }

  @Post(':parkId/certification')
  @HttpCode(200)
  @Roles('supervisor', 'unit')
  @ApiOperation({ summary: '认定 as a 市级小微企业园 (the supervision office or 市工信局)' })
  certify(@Param('parkId') parkId: string, @Body() dto: CertifyDto, @CurrentActor() actor: Actor, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    return this.run('CertifyPark', parkId, dto.effectiveAt, dto.docNumber !== undefined ? { docNumber: dto.docNumber } : {}, actor, req, res);
  }

  @Post(':parkId/stars')
  @HttpCode(200)
  @Roles('supervisor', 'unit')
  @ApiOperation({ summary: '星级 1–3 (the supervision office or 市工信局); the event records the award due: first 50/80/100 万元, upgrades the difference' })
  stars(@Param('parkId') parkId: string, @Body() dto: StarsDto, @CurrentActor() actor: Actor, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    const data: ParkData<'RateParkStars'> = { stars: dto.stars as StarLevel, ...(dto.docNumber !== undefined ? { docNumber: dto.docNumber } : {}) };
    return this.run('RateParkStars', parkId, dto.effectiveAt, data, actor, req, res);
  }

  private async readable(parkId: string, actor: Actor) {
    const loaded = await this.queries.execute(new GetParkQuery(parkId));
    if (loaded.state.status !== 'none' && !canReadPark(actor, loaded.state)) {
      throw new ForbiddenException(`unit ${actor.unitId} may not read park ${parkId} of ${loaded.state.district}`);
    }
    return loaded;
  }

  private async run<T extends Exclude<ParkCommand['type'], 'RegisterPark'>>(
    type: T,
    parkId: string,
    effectiveAt: string | undefined,
    data: ParkData<T>,
    actor: Actor,
    req: Request,
    res: Response,
    correctsReportId?: string,
  ) {
    const now = new Date();
    const command = { type, at: effectiveTime(actor, effectiveAt, now, this.config.effectiveTimeFloor), actor, data: { parkId, ...data } } as ParkCommand;
    const options = correctsReportId !== undefined ? { correctsReportId } : {};
    const result = await this.commands.execute(new ExecuteParkCommand(command, envelopeFrom(req, actor, now), ifMatchVersion(req), options));
    return commandResponse(res, result, view);
  }
}
