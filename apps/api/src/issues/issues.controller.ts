import { Inject, Body, Controller, ForbiddenException, Get, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@duban/config';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { CurrentActor, Roles } from '@duban/access';
import { ExecuteIssueCommand, GetHistoryQuery, GetIssueQuery, issueStream } from '@duban/application';
import { WORKING_CALENDAR } from '@duban/application/nest/handlers';
import type { WorkingCalendar } from '@duban/domain/calendar';
import type { Actor } from '@duban/domain/decider';
import type { IssueCommand, IssueLoopCommand, IssueState, ReportedIssue } from '@duban/domain/issue';
import { effectiveTime, envelopeFrom, ifMatchVersion, newItemId } from '../common/command-context';
import { commandResponse } from '../common/command-response';
import { ActionDto, ExtensionRequestDto, GrantExtensionDto, ProgressDto, ReasonDto, ReopenDto, SubmitDto } from '../common/dto';
import { historyView } from '../common/history-view';
import type { LadderContext } from '../common/ladder-view';
import { issueView } from '../common/ladder-view';
import { AssignIssueDto, ReportIssueDto } from './dto';

/** A unit sees the issues it reported or must resolve; other roles see all. */
export function canReadIssue(actor: Actor, issue: ReportedIssue): boolean {
  return actor.role !== 'unit' || issue.reportingUnit === actor.unitId || issue.unitId === actor.unitId;
}


type LoopData<T extends IssueLoopCommand['type']> = Omit<Extract<IssueLoopCommand, { type: T }>['data'], 'issueId'>;

@ApiTags('issues 问题')
@ApiBearerAuth()
@ApiHeader({ name: 'Idempotency-Key', required: false, description: 'A retried POST with the same key returns the first response and writes nothing new' })
@ApiHeader({ name: 'If-Match', required: false, description: 'The version the caller last saw; 412 when the item has moved on' })
@Controller('issues')
export class IssuesController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(WORKING_CALENDAR) calendar: WorkingCalendar,
  ) {
    this.ladder = { rule: config.ladderRule, calendar };
  }

  /** The rule and calendar of the issue's nextStep (one rule per process: DUBAN_LADDER_RULE). */
  private readonly ladder: LadderContext;
  private readonly view = (state: IssueState) => issueView(state, this.ladder);

  @Post()
  @Roles('supervisor', 'unit')
  @ApiOperation({ summary: 'Put a problem on the ledger (问题清单)' })
  async report(@Body() dto: ReportIssueDto, @CurrentActor() actor: Actor, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    const now = new Date();
    const envelope = envelopeFrom(req, actor, now);
    const command: IssueCommand = {
      type: 'ReportIssue',
      at: effectiveTime(actor, dto.effectiveAt, now, this.config.effectiveTimeFloor),
      actor,
      data: {
        issueId: newItemId(envelope),
        title: dto.title,
        description: dto.description,
        category: dto.category,
        urgency: dto.urgency,
        ...(dto.parkId ? { parkId: dto.parkId } : {}),
        reportingUnit: dto.reportingUnit ?? actor.unitId,
      },
    };
    const result = await this.commands.execute(new ExecuteIssueCommand(command, envelope));
    res.status(201);
    return commandResponse(res, result, this.view);
  }

  @Get(':issueId')
  @Roles('supervisor', 'unit', 'auditor', 'admin')
  @ApiOperation({ summary: 'One issue with its status and deadline (ETag = version)' })
  async get(@Param('issueId') issueId: string, @CurrentActor() actor: Actor, @Res({ passthrough: true }) res: Response) {
    const loaded = await this.queries.execute(new GetIssueQuery(issueId));
    if (loaded.state.status !== 'none' && !canReadIssue(actor, loaded.state)) {
      throw new ForbiddenException(`unit ${actor.unitId} neither reported nor must resolve issue ${issueId}`);
    }
    res.setHeader('ETag', `"${loaded.version}"`);
    return { version: Number(loaded.version), position: loaded.position.toString(), item: this.view(loaded.state) };
  }

  @Get(':issueId/history')
  @Roles('supervisor', 'unit', 'auditor', 'admin')
  @ApiOperation({ summary: "The issue's events, oldest first" })
  async history(@Param('issueId') issueId: string, @CurrentActor() actor: Actor) {
    const loaded = await this.queries.execute(new GetIssueQuery(issueId));
    if (loaded.state.status !== 'none' && !canReadIssue(actor, loaded.state)) {
      throw new ForbiddenException(`unit ${actor.unitId} neither reported nor must resolve issue ${issueId}`);
    }
    return historyView(await this.queries.execute(new GetHistoryQuery(issueStream(issueId))));
  }

  @Post(':issueId/assign')
  @HttpCode(200)
  @Roles('supervisor')
  @ApiOperation({ summary: '交办: assign to a responsible unit; the deadline defaults from the urgency in working days' })
  assign(@Param('issueId') issueId: string, @Body() dto: AssignIssueDto, @CurrentActor() actor: Actor, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    // the deadline may be left out: the handler computes the default from the issue's urgency
    return this.loop('AssignIssue', issueId, dto, { unitId: dto.unitId, ...(dto.deadline ? { deadline: dto.deadline } : {}) } as LoopData<'AssignIssue'>, actor, req, res);
  }

  @Post(':issueId/acknowledge')
  @HttpCode(200)
  @Roles('unit')
  @ApiOperation({ summary: '签收' })
  acknowledge(@Param('issueId') issueId: string, @Body() dto: ActionDto, @CurrentActor() actor: Actor, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    return this.loop('AcknowledgeIssue', issueId, dto, {}, actor, req, res);
  }

  @Post(':issueId/progress')
  @HttpCode(200)
  @Roles('unit')
  @ApiOperation({ summary: '进展报送' })
  progress(@Param('issueId') issueId: string, @Body() dto: ProgressDto, @CurrentActor() actor: Actor, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    return this.loop(
      'ReportIssueProgress',
      issueId,
      dto,
      {
        percent: dto.percent,
        narrative: dto.narrative,
        ...(dto.metricValues ? { metricValues: dto.metricValues.map((m) => ({ ...m })) } : {}),
        ...(dto.evidence ? { evidence: dto.evidence.map((e) => ({ ...e })) } : {}),
      },
      actor,
      req,
      res,
    );
  }

  @Post(':issueId/submit')
  @HttpCode(200)
  @Roles('unit')
  @ApiOperation({ summary: '申请销号' })
  submit(@Param('issueId') issueId: string, @Body() dto: SubmitDto, @CurrentActor() actor: Actor, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    return this.loop('SubmitIssueCompletion', issueId, dto, { summary: dto.summary, evidence: dto.evidence.map((e) => ({ ...e })) }, actor, req, res);
  }

  @Post(':issueId/approve')
  @HttpCode(200)
  @Roles('supervisor')
  @ApiOperation({ summary: '销号 (not by the submitting unit)' })
  approve(@Param('issueId') issueId: string, @Body() dto: ActionDto, @CurrentActor() actor: Actor, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    return this.loop('ApproveIssueCompletion', issueId, dto, {}, actor, req, res);
  }

  @Post(':issueId/reject')
  @HttpCode(200)
  @Roles('supervisor')
  @ApiOperation({ summary: '退回 with a reason (rework)' })
  reject(@Param('issueId') issueId: string, @Body() dto: ReasonDto, @CurrentActor() actor: Actor, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    return this.loop('RejectIssueCompletion', issueId, dto, { reason: dto.reason }, actor, req, res);
  }

  @Post(':issueId/reopen')
  @HttpCode(200)
  @Roles('supervisor')
  @ApiOperation({ summary: '重新打开' })
  reopen(@Param('issueId') issueId: string, @Body() dto: ReopenDto, @CurrentActor() actor: Actor, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    return this.loop('ReopenIssue', issueId, dto, { reason: dto.reason, ...(dto.deadline ? { deadline: dto.deadline } : {}) }, actor, req, res);
  }

  @Post(':issueId/extension-requests')
  @HttpCode(200)
  @Roles('unit')
  @ApiOperation({ summary: '申请延期' })
  requestExtension(@Param('issueId') issueId: string, @Body() dto: ExtensionRequestDto, @CurrentActor() actor: Actor, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    return this.loop('RequestIssueExtension', issueId, dto, { requestedDeadline: dto.requestedDeadline, reason: dto.reason }, actor, req, res);
  }

  @Post(':issueId/extension-requests/grant')
  @HttpCode(200)
  @Roles('supervisor')
  @ApiOperation({ summary: 'Grant the pending extension' })
  grantExtension(@Param('issueId') issueId: string, @Body() dto: GrantExtensionDto, @CurrentActor() actor: Actor, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    return this.loop('GrantIssueExtension', issueId, dto, dto.deadline ? { deadline: dto.deadline } : {}, actor, req, res);
  }

  @Post(':issueId/extension-requests/refuse')
  @HttpCode(200)
  @Roles('supervisor')
  @ApiOperation({ summary: 'Refuse the pending extension' })
  refuseExtension(@Param('issueId') issueId: string, @Body() dto: ReasonDto, @CurrentActor() actor: Actor, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    return this.loop('RefuseIssueExtension', issueId, dto, { reason: dto.reason }, actor, req, res);
  }

  private async loop<T extends IssueLoopCommand['type']>(type: T, issueId: string, dto: ActionDto, data: LoopData<T>, actor: Actor, req: Request, res: Response) {
    const now = new Date();
    const command = { type, at: effectiveTime(actor, dto.effectiveAt, now, this.config.effectiveTimeFloor), actor, data: { issueId, ...data } } as IssueLoopCommand;
    const result = await this.commands.execute(new ExecuteIssueCommand(command, envelopeFrom(req, actor, now), ifMatchVersion(req)));
    return commandResponse(res, result, this.view);
  }
}
