import { Body, Controller, ForbiddenException, Get, HttpCode, Inject, NotFoundException, Param, Post, Req, Res } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@duban/config';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { CurrentActor, Roles } from '@duban/access';
import { ExecuteTaskCommand, GetHistoryQuery, GetTaskQuery, taskIdFor, taskStream } from '@duban/application';
import { WORKING_CALENDAR } from '@duban/application/nest/handlers';
import type { WorkingCalendar } from '@duban/domain/calendar';
import type { Actor } from '@duban/domain/decider';
import { normalizeItemPath } from '@duban/domain/task';
import type { AmendTask, RegisteredTask, ShareCommand, TaskCommand, TaskState } from '@duban/domain/task';
import { UnitRegistry } from '@duban/domain/units';
import type { EventStore } from '@duban/eventstore';
import { EVENT_STORE } from '@duban/eventstore/nest/event-store.module';
import { ItemsQuery, ProjectionRunner } from '@duban/projections';
import { effectiveTime, envelopeFrom, ifMatchVersion } from '../common/command-context';
import { commandResponse } from '../common/command-response';
import { DeadlineDto, ExtensionRequestDto, GrantExtensionDto, NoteDto, ProgressDto, ReasonDto, ReopenDto, SubmitDto, ActionDto } from '../common/dto';
import { historyView } from '../common/history-view';
import type { LadderContext } from '../common/ladder-view';
import { taskView } from '../common/ladder-view';
import { refuseDuplicateItem } from './duplicate-item';
import { AmendTaskDto, RegisterTaskDto } from './dto';

const SUPERVISOR_OFFICE = '市政府办公厅四处';

/** A unit sees the tasks it leads, delivers or cooperates on; other roles see all. */
export function canReadTask(actor: Actor, task: RegisteredTask): boolean {
  if (actor.role !== 'unit') return true;
  return [...task.leadUnits, ...task.responsibleUnits, ...task.cooperatingUnits].includes(actor.unitId);
}


type ShareData<T extends ShareCommand['type']> = Omit<Extract<ShareCommand, { type: T }>['data'], 'taskId' | 'unitId'>;

@ApiTags('tasks 督办事项')
@ApiBearerAuth()
@ApiHeader({ name: 'Idempotency-Key', required: false, description: 'A retried POST with the same key returns the first response and writes nothing new' })
@ApiHeader({ name: 'If-Match', required: false, description: 'The version the caller last saw; 412 when the item has moved on' })
@Controller('tasks')
export class TasksController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly runner: ProjectionRunner,
    private readonly items: ItemsQuery,
    /** The live registry (seed plus additions): resolves the unit written in a share's URL. */
    private readonly units: UnitRegistry,
    @Inject(WORKING_CALENDAR) calendar: WorkingCalendar,
  ) {
    this.ladder = { rule: config.ladderRule, calendar };
  }

  /** The rule and calendar of every share's nextStep (one rule per process: DUBAN_LADDER_RULE). */
  private readonly ladder: LadderContext;
  private readonly view = (state: TaskState) => taskView(state, this.ladder);

  @Post()
  @Roles('supervisor')
  @ApiOperation({
    summary:
      'Register a task (one numbered item of a policy document); one share per responsible unit. ' +
      '409 DuplicateItem (existingTaskId, existingItemPath) when another task of the same 文号 has the same title (the same item under another path)',
  })
  async register(@Body() dto: RegisterTaskDto, @CurrentActor() actor: Actor, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    const now = new Date();
    const at = effectiveTime(actor, dto.effectiveAt, now, this.config.effectiveTimeFloor);
    // the importer's written form (一/（三）/1), before the id is derived: the same item registered by hand and imported is one task
    const itemPath = normalizeItemPath(dto.itemPath);
    const taskId = dto.taskId ?? taskIdFor(dto.docNumber, itemPath);
    const envelope = envelopeFrom(req, actor, now);
    // the same item under another path (三/1 by hand, 一/（三）/1 imported) gets another id: refused by its title
    await refuseDuplicateItem(this.store, this.runner, this.items, { taskId, docNumber: dto.docNumber, itemPath, title: dto.title });
    const command: TaskCommand = {
      type: 'RegisterTask',
      at,
      actor,
      data: {
        taskId,
        sourceDocument: dto.documentTitle ? { docNumber: dto.docNumber, title: dto.documentTitle } : { docNumber: dto.docNumber },
        itemPath,
        title: dto.title,
        text: dto.text,
        leadUnits: dto.leadUnits,
        responsibleUnits: dto.responsibleUnits,
        cooperatingUnits: dto.cooperatingUnits ?? [],
        deadline: dto.deadline,
        ...(dto.target ? { target: { value: dto.target.value, unit: dto.target.unit, comparator: dto.target.comparator } } : {}),
        supervisingOffice: dto.supervisingOffice ?? SUPERVISOR_OFFICE,
      },
    };
    const result = await this.commands.execute(new ExecuteTaskCommand(command, envelope, ifMatchVersion(req)));
    res.status(201);
    return commandResponse(res, result, this.view);
  }

  @Post(':taskId/amend')
  @HttpCode(200)
  @Roles('supervisor')
  @ApiOperation({
    summary:
      'Amend an open task\'s registration (a revised document): title, text, document title, lead / responsible / cooperating units, deadline, target, ' +
      'with the reason. Writes task.amended.v1 with each changed field\'s old and new value; nothing when nothing changes. ' +
      'A responsible unit added gets a share; one removed loses it (409 ShareHasWork once its share has work beyond 交办); a closed task is 409.',
  })
  amend(@Param('taskId') taskId: string, @Body() dto: AmendTaskDto, @CurrentActor() actor: Actor, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    return this.amendTask(taskId, dto, actor, req, res);
  }

  @Get(':taskId')
  @Roles('supervisor', 'unit', 'auditor', 'admin')
  @ApiOperation({ summary: 'One task with all its shares, current status and deadlines (ETag = version)' })
  async get(@Param('taskId') taskId: string, @CurrentActor() actor: Actor, @Res({ passthrough: true }) res: Response) {
    const loaded = await this.queries.execute(new GetTaskQuery(taskId));
    if (loaded.state.status !== 'none' && !canReadTask(actor, loaded.state)) {
      throw new ForbiddenException(`unit ${actor.unitId} takes no part in task ${taskId}`);
    }
    res.setHeader('ETag', `"${loaded.version}"`);
    return { version: Number(loaded.version), position: loaded.position.toString(), item: this.view(loaded.state) };
  }

  @Get(':taskId/history')
  @Roles('supervisor', 'unit', 'auditor', 'admin')
  @ApiOperation({ summary: "The task's events, oldest first, with who, when (effective and recorded) and why" })
  async history(@Param('taskId') taskId: string, @CurrentActor() actor: Actor) {
    const loaded = await this.queries.execute(new GetTaskQuery(taskId));
    if (loaded.state.status !== 'none' && !canReadTask(actor, loaded.state)) {
      throw new ForbiddenException(`unit ${actor.unitId} takes no part in task ${taskId}`);
    }
    return historyView(await this.queries.execute(new GetHistoryQuery(taskStream(taskId))));
  }

  @Post(':taskId/shares/:unitId/assign')
  @HttpCode(200)
  @Roles('supervisor')
  @ApiOperation({ summary: '交办: assign a share to its unit (deadline defaults to the task deadline)' })
  assign(@Param('taskId') taskId: string, @Param('unitId') unitId: string, @Body() dto: DeadlineDto, @CurrentActor() actor: Actor, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    return this.share('AssignShare', taskId, unitId, dto, dto.deadline ? { deadline: dto.deadline } : {}, actor, req, res);
  }

  @Post(':taskId/shares/:unitId/acknowledge')
  @HttpCode(200)
  @Roles('unit')
  @ApiOperation({ summary: '签收: the unit signs for its share' })
  acknowledge(@Param('taskId') taskId: string, @Param('unitId') unitId: string, @Body() dto: ActionDto, @CurrentActor() actor: Actor, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    return this.share('AcknowledgeShare', taskId, unitId, dto, {}, actor, req, res);
  }

  @Post(':taskId/shares/:unitId/progress')
  @HttpCode(200)
  @Roles('unit')
  @ApiOperation({ summary: '进展报送: report progress (percent, narrative, metric values, evidence)' })
  progress(@Param('taskId') taskId: string, @Param('unitId') unitId: string, @Body() dto: ProgressDto, @CurrentActor() actor: Actor, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    const data: ShareData<'ReportShareProgress'> = {
      percent: dto.percent,
      narrative: dto.narrative,
      ...(dto.metricValues ? { metricValues: dto.metricValues.map((m) => ({ ...m })) } : {}),
      ...(dto.evidence ? { evidence: dto.evidence.map((e) => ({ ...e })) } : {}),
    };
    return this.share('ReportShareProgress', taskId, unitId, dto, data, actor, req, res);
  }

  @Post(':taskId/shares/:unitId/notes')
  @HttpCode(200)
  @Roles('unit')
  @ApiOperation({ summary: 'A progress note by a lead or cooperating unit (协办); changes no status' })
  note(@Param('taskId') taskId: string, @Param('unitId') unitId: string, @Body() dto: NoteDto, @CurrentActor() actor: Actor, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    return this.share('AddShareProgressNote', taskId, unitId, dto, { note: dto.note }, actor, req, res);
  }

  @Post(':taskId/shares/:unitId/submit')
  @HttpCode(200)
  @Roles('unit')
  @ApiOperation({ summary: '申请销号: submit completion with evidence' })
  submit(@Param('taskId') taskId: string, @Param('unitId') unitId: string, @Body() dto: SubmitDto, @CurrentActor() actor: Actor, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    return this.share('SubmitShareCompletion', taskId, unitId, dto, { summary: dto.summary, evidence: dto.evidence.map((e) => ({ ...e })) }, actor, req, res);
  }

  @Post(':taskId/shares/:unitId/approve')
  @HttpCode(200)
  @Roles('supervisor')
  @ApiOperation({ summary: '销号: verify and strike the share off (not by the submitting unit)' })
  approve(@Param('taskId') taskId: string, @Param('unitId') unitId: string, @Body() dto: ActionDto, @CurrentActor() actor: Actor, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    return this.share('ApproveShareCompletion', taskId, unitId, dto, {}, actor, req, res);
  }

  @Post(':taskId/shares/:unitId/reject')
  @HttpCode(200)
  @Roles('supervisor')
  @ApiOperation({ summary: '退回: reject the completion with a reason (counts as rework)' })
  reject(@Param('taskId') taskId: string, @Param('unitId') unitId: string, @Body() dto: ReasonDto, @CurrentActor() actor: Actor, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    return this.share('RejectShareCompletion', taskId, unitId, dto, { reason: dto.reason }, actor, req, res);
  }

  @Post(':taskId/shares/:unitId/reopen')
  @HttpCode(200)
  @Roles('supervisor')
  @ApiOperation({ summary: '重新打开: reopen a closed share (counts against the unit)' })
  reopen(@Param('taskId') taskId: string, @Param('unitId') unitId: string, @Body() dto: ReopenDto, @CurrentActor() actor: Actor, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    return this.share('ReopenShare', taskId, unitId, dto, { reason: dto.reason, ...(dto.deadline ? { deadline: dto.deadline } : {}) }, actor, req, res);
  }

  @Post(':taskId/shares/:unitId/extension-requests')
  @HttpCode(200)
  @Roles('unit')
  @ApiOperation({ summary: '申请延期: ask for a later deadline, before the current one' })
  requestExtension(@Param('taskId') taskId: string, @Param('unitId') unitId: string, @Body() dto: ExtensionRequestDto, @CurrentActor() actor: Actor, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    return this.share('RequestShareExtension', taskId, unitId, dto, { requestedDeadline: dto.requestedDeadline, reason: dto.reason }, actor, req, res);
  }

  @Post(':taskId/shares/:unitId/extension-requests/grant')
  @HttpCode(200)
  @Roles('supervisor')
  @ApiOperation({ summary: 'Grant the pending extension: the deadline moves' })
  grantExtension(@Param('taskId') taskId: string, @Param('unitId') unitId: string, @Body() dto: GrantExtensionDto, @CurrentActor() actor: Actor, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    return this.share('GrantShareExtension', taskId, unitId, dto, dto.deadline ? { deadline: dto.deadline } : {}, actor, req, res);
  }

  @Post(':taskId/shares/:unitId/extension-requests/refuse')
  @HttpCode(200)
  @Roles('supervisor')
  @ApiOperation({ summary: 'Refuse the pending extension with a reason' })
  refuseExtension(@Param('taskId') taskId: string, @Param('unitId') unitId: string, @Body() dto: ReasonDto, @CurrentActor() actor: Actor, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    return this.share('RefuseShareExtension', taskId, unitId, dto, { reason: dto.reason }, actor, req, res);
  }

  private async amendTask(taskId: string, dto: AmendTaskDto, actor: Actor, req: Request, res: Response) {
    const now = new Date();
    const command: AmendTask = {
      type: 'AmendTask',
      at: effectiveTime(actor, dto.effectiveAt, now, this.config.effectiveTimeFloor),
      actor,
      data: {
        taskId,
        reason: dto.reason,
        ...(dto.documentRef !== undefined ? { documentRef: dto.documentRef } : {}),
        ...(dto.title !== undefined ? { title: dto.title } : {}),
        ...(dto.text !== undefined ? { text: dto.text } : {}),
        ...(dto.documentTitle !== undefined ? { documentTitle: dto.documentTitle } : {}),
        ...(dto.leadUnits !== undefined ? { leadUnits: dto.leadUnits } : {}),
        ...(dto.responsibleUnits !== undefined ? { responsibleUnits: dto.responsibleUnits } : {}),
        ...(dto.cooperatingUnits !== undefined ? { cooperatingUnits: dto.cooperatingUnits } : {}),
        ...(dto.deadline !== undefined ? { deadline: dto.deadline } : {}),
        ...(dto.target !== undefined ? { target: dto.target === null ? null : { value: dto.target.value, unit: dto.target.unit, comparator: dto.target.comparator } } : {}),
      },
    };
    const result = await this.commands.execute(new ExecuteTaskCommand(command, envelopeFrom(req, actor, now), ifMatchVersion(req)));
    return commandResponse(res, result, this.view);
  }

  private async share<T extends ShareCommand['type']>(
    type: T,
    taskId: string,
    writtenUnit: string,
    dto: ActionDto,
    data: ShareData<T>,
    actor: Actor,
    req: Request,
    res: Response,
  ) {
    const unitId = this.shareUnit(writtenUnit);
    const now = new Date();
    const command = { type, at: effectiveTime(actor, dto.effectiveAt, now, this.config.effectiveTimeFloor), actor, data: { taskId, unitId, ...data } } as ShareCommand;
    const result = await this.commands.execute(new ExecuteTaskCommand(command, envelopeFrom(req, actor, now), ifMatchVersion(req)));
    return commandResponse(res, result, this.view);
  }

  /**
   * The share's unit as the registry id, however the URL writes it (an id or a
   * global alias, as a command's body may): `/shares/市资源规划局/…` addresses
   * 市自然资源规划局's share. A name that names no unit (unknown, a group, a
   * local alias) is a 404 naming it: there is no such share.
   */
  private shareUnit(written: string): string {
    const unit = this.units.resolve(written);
    if (unit !== null) return unit.unitId;
    throw new NotFoundException({
      message: `no share for ${JSON.stringify(written)}: it names no unit of the registry (unknown, a group, or a local alias)`,
      unknownUnit: written,
    });
  }
}
