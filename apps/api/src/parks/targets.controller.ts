import { Inject, Body, Controller, ForbiddenException, Get, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@duban/config';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { CurrentActor, Roles } from '@duban/access';
import { GetHistoryQuery } from '@duban/application';
import { ExecuteTargetCommand, GetTargetQuery, targetStream } from '@duban/application/parks';
import type { Actor } from '@duban/domain/decider';
import type { SetTargetState, TargetCommand, TargetState } from '@duban/domain/target';
import { targetCompletion, targetIdFor } from '@duban/domain/target';
import { effectiveTime, envelopeFrom, ifMatchVersion, newItemId } from '../common/command-context';
import { commandResponse } from '../common/command-response';
import { historyView } from '../common/history-view';
import { SetTargetDto, TargetProgressDto } from './dto';

/** A unit sees its own targets; other roles see all. */
export function canReadTarget(actor: Actor, target: SetTargetState): boolean {
  return actor.role !== 'unit' || actor.unitId === target.unitId;
}

/** The target with its completion (achieved, ratio, capped ratio, met, remaining, as of). */
const view = (state: TargetState) => ({ ...state, completion: targetCompletion(state) });

@ApiTags('targets 目标任务')
@ApiBearerAuth()
@ApiHeader({ name: 'Idempotency-Key', required: false, description: 'A retried POST with the same key returns the first response and writes nothing new' })
@ApiHeader({ name: 'If-Match', required: false, description: 'The version the caller last saw; 412 when the target has moved on' })
@Controller('targets')
export class TargetsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Post()
  @Roles('supervisor')
  @ApiOperation({
    summary: 'Set one cell of a decomposition table (目标任务分解表): a unit’s target for a metric in a year; its id is derived from (unit, year, metric), so a cell is set once',
  })
  async set(@Body() dto: SetTargetDto, @CurrentActor() actor: Actor, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    const now = new Date();
    const { docNumber, title, annex } = dto.sourceDocument;
    const command: TargetCommand = {
      type: 'SetTarget',
      at: effectiveTime(actor, dto.effectiveAt, now, this.config.effectiveTimeFloor),
      actor,
      data: {
        targetId: targetIdFor(dto.unitId, dto.year, dto.metric),
        unitId: dto.unitId,
        year: dto.year,
        metric: dto.metric,
        value: dto.value,
        unitOfMeasure: dto.unitOfMeasure,
        sourceDocument: { docNumber, ...(title !== undefined ? { title } : {}), ...(annex !== undefined ? { annex } : {}) },
      },
    };
    const result = await this.commands.execute(new ExecuteTargetCommand(command, envelopeFrom(req, actor, now), ifMatchVersion(req)));
    res.status(201);
    return commandResponse(res, result, view);
  }

  @Get(':targetId')
  @Roles('supervisor', 'unit', 'auditor', 'admin')
  @ApiOperation({ summary: 'One target with its progress records and completion (ETag = version)' })
  async get(@Param('targetId') targetId: string, @CurrentActor() actor: Actor, @Res({ passthrough: true }) res: Response) {
    const loaded = await this.readable(targetId, actor);
    res.setHeader('ETag', `"${loaded.version}"`);
    return { version: Number(loaded.version), position: loaded.position.toString(), item: view(loaded.state) };
  }

  @Get(':targetId/history')
  @Roles('supervisor', 'unit', 'auditor', 'admin')
  @ApiOperation({ summary: "The target's events, oldest first" })
  async history(@Param('targetId') targetId: string, @CurrentActor() actor: Actor) {
    await this.readable(targetId, actor);
    return historyView(await this.queries.execute(new GetHistoryQuery(targetStream(targetId))));
  }

  @Post(':targetId/progress')
  @HttpCode(200)
  @Roles('supervisor', 'unit')
  @ApiOperation({
    summary:
      "Record the unit's cumulative figure as of the effective time (the target's unit or the supervision office); each source counts once. Park reports are recorded automatically",
  })
  async progress(@Param('targetId') targetId: string, @Body() dto: TargetProgressDto, @CurrentActor() actor: Actor, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    const now = new Date();
    const envelope = envelopeFrom(req, actor, now);
    const command: TargetCommand = {
      type: 'RecordTargetProgress',
      at: effectiveTime(actor, dto.effectiveAt, now, this.config.effectiveTimeFloor),
      actor,
      data: {
        targetId,
        value: dto.value,
        // a manual entry is identified by its request: a retry with the same Idempotency-Key is the same source
        source: dto.source ? { kind: dto.source.kind, ref: dto.source.ref } : { kind: 'manual', ref: `manual:${newItemId(envelope)}` },
        ...(dto.note !== undefined ? { note: dto.note } : {}),
      },
    };
    const result = await this.commands.execute(new ExecuteTargetCommand(command, envelope, ifMatchVersion(req)));
    return commandResponse(res, result, view);
  }

  private async readable(targetId: string, actor: Actor) {
    const loaded = await this.queries.execute(new GetTargetQuery(targetId));
    if (loaded.state.status !== 'none' && !canReadTarget(actor, loaded.state)) {
      throw new ForbiddenException(`unit ${actor.unitId} may not read the targets of ${loaded.state.unitId}`);
    }
    return loaded;
  }
}
