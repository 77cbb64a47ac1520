import { BadRequestException, Controller, Get, HttpCode, Param, Post, Query, Req, ServiceUnavailableException } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { CurrentActor, Roles } from '@duban/access';
import { LogNotVerified, PeriodCloser, ProjectionsBehind } from '@duban/application/periods';
import type { PeriodView } from '@duban/application/periods';
import type { Actor } from '@duban/domain/decider';
import type { CloseContent } from '@duban/domain/period';
import { FiguresNotReadyError } from '@duban/projections/figures/figures.query';
import { InvalidFiguresQueryError } from '@duban/projections/figures/period';
import { envelopeFrom } from '../common/command-context';
import { PeriodsListDto, PeriodViewDto } from './dto';

/**
 * Periods (月考核、季督导、半年通报、年度评价) and their closes: docs/periods.md.
 * Supervisors close (or re-close) a period that has ended; everyone may read —
 * a unit only its own entries (its figures, rank, lists flags, black items and
 * changes), auditors and the office everything.
 */
@ApiTags('periods (closes, 红黑榜)')
@ApiBearerAuth()
@Controller('periods')
export class PeriodsController {
  constructor(private readonly closer: PeriodCloser) {}

  @Get()
  @Roles('supervisor', 'auditor', 'admin', 'unit')
  @ApiOperation({ summary: 'The periods of a year (one kind or all): open, ended-unclosed, closed or changed-since-close, with their close revisions.' })
  async list(@Query() q: PeriodsListDto) {
    return { year: q.year, periods: await this.run(() => this.closer.list(q.year, q.kind)) };
  }

  @Get(':periodId')
  @Roles('supervisor', 'auditor', 'admin', 'unit')
  @ApiOperation({
    summary:
      'A period (2021-05, 2021-Q2, 2021-H1, 2021): its latest close (figures, ranks, red and black lists with the items behind each black entry, rules, log position and head hash), revisions, bulletins, and what changed since the close. ?rule=duban-score-v1: what-if preview under another scoring rule (writes nothing).',
  })
  async view(@Param('periodId') id: string, @Query() q: PeriodViewDto, @CurrentActor() actor: Actor) {
    if (q.rule !== undefined) {
      const preview = await this.run(() => this.closer.whatIf(id, q.rule!));
      return { whatIf: true, ...ownOnly(preview, actor) };
    }
    const view = await this.run(() => this.closer.view(id));
    return actor.role === 'unit' ? unitView(view, actor.unitId) : view;
  }

  @Post(':periodId/close')
  @HttpCode(200)
  @Roles('supervisor')
  @ApiOperation({
    summary:
      'Close the period now — or re-close it (a new revision) when late facts changed its figures since the latest close. Nothing changed: nothing written (events: []). 422 before the period ends (naming its end); 503 when the read models trail the log (nothing written).',
  })
  async close(@Param('periodId') id: string, @Req() req: Request, @CurrentActor() actor: Actor) {
    const { correlationId, causationId } = envelopeFrom(req, actor, new Date());
    const outcome = await this.run(() => this.closer.close(id, actor, { correlationId, causationId }));
    return { ...outcome, position: outcome.position.toString() };
  }

  private async run<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (err) {
      if (err instanceof InvalidFiguresQueryError) throw new BadRequestException({ message: err.message, field: err.field });
      if (err instanceof ProjectionsBehind || err instanceof FiguresNotReadyError || err instanceof LogNotVerified) {
        throw new ServiceUnavailableException({ message: `${err.message}; nothing was written, try again shortly` });
      }
      throw err;
    }
  }
}

/** A unit sees its own entries only: its row, its black entry, its changes; no other unit's names. */
function ownOnly<T extends Pick<CloseContent, 'units' | 'groups' | 'black'>>(close: T, actor: Actor): T {
  if (actor.role !== 'unit') return close;
  const mine = (unitId: string) => unitId === actor.unitId;
  return {
    ...close,
    units: close.units.filter((u) => mine(u.unitId)),
    black: close.black.filter((b) => mine(b.unitId)),
    groups: close.groups.map((g) => ({ ...g, red: g.red.filter(mine), black: g.black.filter(mine) })),
  };
}

function unitView(view: PeriodView, unitId: string): PeriodView {
  const actor = { role: 'unit', unitId } as Actor;
  return {
    ...view,
    close: view.close ? ownOnly(view.close, actor) : null,
    changedSinceClose: view.changedSinceClose ? { ...view.changedSinceClose, changes: view.changedSinceClose.changes.filter((c) => c.unitId === unitId) } : null,
  };
}
