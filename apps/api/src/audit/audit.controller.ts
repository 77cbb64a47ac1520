import { BadRequestException, Controller, Get, Logger, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProduces, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { Roles } from '@duban/access';
import { UnitRegistry } from '@duban/domain/units';
import { ProjectionRunner } from '@duban/projections';
import type { AuditFilter } from '@duban/projections/audit/audit-entry';
import { AuditQuery, InvalidAuditQueryError } from '@duban/projections/audit/audit.query';
import type { AuditExportFilter, ExportWriter } from '@duban/projections/audit/audit.query';
import { IsGlobalPosition, ReadPositionDto, reachPosition } from '../common/read-your-writes';

/** The read model this controller reads; read-your-writes waits for it alone. */
const AUDIT_PROJECTION = 'audit';
/** An instant with an offset, or a date (midnight Asia/Shanghai). Checked field by field by AuditQuery. */
const INSTANT_OR_DATE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/;

/** minPosition: read-your-writes waits for the audit trail alone. */
class AuditFilterDto extends ReadPositionDto {
  @ApiPropertyOptional({
    description:
      'An item: `task:<taskId>` (the whole task, every share), `task:<taskId>:<unitId>` (one share, with the task-level events that concern it: registration, closing), `issue:<issueId>`',
    example: 'task:郑政办〔2021〕34号-三-1:中牟县',
  })
  @IsOptional()
  @IsString()
  @MaxLength(300)
  @Matches(/^(task|issue):.+$/, { message: 'item must be task:<taskId>, task:<taskId>:<unitId> or issue:<issueId>' })
  item?: string;

  @ApiPropertyOptional({
    description:
      'A unit (id or alias): the events it caused (actor unit) OR that concern it (the unit of the share or issue; an issue concerns its reporting unit too). Names no longer in the registry are searched as given (history keeps old names).',
    example: '中牟县',
  })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  unit?: string;

  @ApiPropertyOptional({ description: 'Actor user id', example: 'li.duban' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  actor?: string;

  @ApiPropertyOptional({ description: 'Correlation id: every event of one request or business flow', example: '3f2c9a1e-5b7d-4c8e-9f00-1a2b3c4d5e6f' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  correlationId?: string;

  @ApiPropertyOptional({ description: 'Event type, exact', example: 'task.share.completion_approved.v1' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  @Matches(/^[A-Za-z0-9_.-]+$/, { message: 'type must be an event type such as task.share.assigned.v1' })
  type?: string;

  @ApiPropertyOptional({
    description: 'From this instant, inclusive: ISO 8601 with an offset, or a date (midnight Beijing time)',
    example: '2021-05-01T00:00:00+08:00',
  })
  @IsOptional()
  @Matches(INSTANT_OR_DATE, { message: 'from must be an ISO 8601 instant with an offset, or a date YYYY-MM-DD' })
  from?: string;

  @ApiPropertyOptional({ description: 'To this instant, exclusive (to=2021-06-01 ends with May, Beijing time)', example: '2021-06-01' })
  @IsOptional()
  @Matches(INSTANT_OR_DATE, { message: 'to must be an ISO 8601 instant with an offset, or a date YYYY-MM-DD' })
  to?: string;

  @ApiPropertyOptional({
    enum: ['recorded', 'effective'],
    default: 'recorded',
    description: 'Which time from/to apply to: recorded (when the store accepted the event) or effective (when it took effect; back-filled records lie in the past)',
  })
  @IsOptional()
  @IsIn(['recorded', 'effective'])
  axis?: 'recorded' | 'effective';
}

class ListAuditDto extends AuditFilterDto {
  @ApiPropertyOptional({ description: 'Keyset cursor: events after this global position (the previous page’s nextAfterPosition)', example: '1200' })
  @IsOptional()
  @IsGlobalPosition('afterPosition')
  afterPosition?: string;

  @ApiPropertyOptional({ default: 100, minimum: 1, maximum: 1000 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;
}

class ExportAuditDto extends AuditFilterDto {
  @ApiPropertyOptional({ enum: ['csv', 'jsonl'], default: 'csv', description: 'csv (UTF-8 with BOM, opens in Excel) or jsonl (JSON Lines, exact)' })
  @IsOptional()
  @IsIn(['csv', 'jsonl'])
  format?: 'csv' | 'jsonl';

  @ApiPropertyOptional({
    description: 'Only events up to this global position (default: the head of the trail when the export starts, sent back in X-Duban-Until-Position)',
    example: '5000',
  })
  @IsOptional()
  @IsGlobalPosition('untilPosition')
  untilPosition?: string;
}

const ENTRY_EXAMPLE = {
  position: '128',
  eventId: '6d1f0c2e-8a4b-4f61-9c3d-2b7e5a9f0e11',
  stream: 'task-郑政办〔2021〕34号-三-1',
  streamVersion: '3',
  type: 'task.share.progress_reported.v1',
  itemKey: 'task:郑政办〔2021〕34号-三-1:中牟县',
  units: ['中牟县'],
  actor: { userId: 'zhang.zhongmu', unitId: '中牟县', role: 'unit' },
  commandId: 'idem:9b0c…',
  correlationId: '3f2c9a1e-5b7d-4c8e-9f00-1a2b3c4d5e6f',
  causationId: '3f2c9a1e-5b7d-4c8e-9f00-1a2b3c4d5e6f',
  occurredAt: '2021-06-30T17:00:00+08:00',
  recordedAt: '2021-06-30T09:00:02.311Z',
  data: { taskId: '郑政办〔2021〕34号-三-1', unitId: '中牟县', percent: 40, narrative: '已完成土地摘牌，3个园区已开工建设。', metricValues: [], evidence: [] },
  extraMetadata: null,
  hash: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
};

/**
 * The audit trail (审计): every event of the log with who (user, unit,
 * role), when it was recorded and when it took effect, which command and
 * request caused it, its data and its hash. For auditors, the supervision
 * office and admins; a unit may not read it (its own items' histories are at
 * /tasks/:id/history and /issues/:id/history).
 */
@ApiTags('audit 审计')
@ApiBearerAuth()
@Controller('audit')
export class AuditController {
  private readonly logger = new Logger('AuditExport');

  constructor(
    private readonly audit: AuditQuery,
    private readonly runner: ProjectionRunner,
    private readonly units: UnitRegistry,
  ) {}

  @Get('events')
  @Roles('auditor', 'supervisor', 'admin')
  @ApiOperation({
    summary:
      'The audit trail, oldest first, filtered by item, unit, actor, correlation id, type and a time range (recorded or effective); paged by keyset: pass nextAfterPosition as afterPosition',
  })
  @ApiOkResponse({ schema: { example: { rows: [ENTRY_EXAMPLE], limit: 100, hasMore: true, nextAfterPosition: '128' } } })
  async list(@Query() q: ListAuditDto) {
    await reachPosition(this.runner, q.minPosition, { projections: [AUDIT_PROJECTION], readModel: 'the audit trail' });
    return this.run(() =>
      this.audit.list({
        ...this.filter(q),
        ...(q.afterPosition !== undefined ? { afterPosition: BigInt(q.afterPosition) } : {}),
        limit: q.limit ?? 100,
      }),
    );
  }

  @Get('export')
  @Roles('auditor', 'supervisor', 'admin')
  @ApiOperation({
    summary:
      'The audit trail as a file, streamed: CSV (UTF-8 with BOM for Excel, RFC 4180, English header) or JSON Lines; the same filters as /audit/events; pinned to the head of the trail when it starts',
  })
  @ApiProduces('text/csv', 'application/x-ndjson')
  @ApiOkResponse({ description: 'An attachment named 督办审计记录-YYYY-MM-DD.csv / .jsonl (Beijing date)' })
  async export(@Query() q: ExportAuditDto, @Res() res: Response): Promise<void> {
    await reachPosition(this.runner, q.minPosition, { projections: [AUDIT_PROJECTION], readModel: 'the audit trail' });
    const format = q.format ?? 'csv';
    const until = q.untilPosition !== undefined ? BigInt(q.untilPosition) : this.audit.headPosition();
    const filter: AuditExportFilter = { ...this.filter(q), untilPosition: until };
    this.run(() => this.audit.validate(filter)); // a bad filter is a 400 before anything is sent

    const day = beijingDate(new Date());
    const extension = format === 'csv' ? 'csv' : 'jsonl';
    res.status(200);
    res.setHeader('Content-Type', format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8');
    res.setHeader('Content-Disposition', contentDisposition(`督办审计记录-${day}.${extension}`, `duban-audit-${day}.${extension}`));
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('X-Duban-Until-Position', until.toString());

    const write = streamWriter(res);
    try {
      const result =
        format === 'csv' ? await this.audit.exportCsv(filter, write) : await this.audit.exportJsonLines(filter, write);
      res.end();
      this.logger.log(`exported ${result.rows} audit events (${format}) up to position ${result.untilPosition}`);
    } catch (err) {
      if (err instanceof ClientGone) return;
      if (!res.headersSent) {
        // nothing sent yet: an ordinary JSON error
        for (const h of ['Content-Type', 'Content-Disposition', 'X-Duban-Until-Position']) res.removeHeader(h);
        throw err;
      }
      // the status line is gone: cut the response so the download fails instead of looking complete
      this.logger.error(`audit export failed after the headers were sent: ${(err as Error).message}`, (err as Error).stack);
      res.destroy(err as Error);
    }
  }

  private filter(q: AuditFilterDto): AuditFilter {
    return {
      ...(q.item !== undefined ? { item: q.item } : {}),
      // an alias (市资划局) finds the unit's id; an unknown name is searched as given: the trail keeps old names
      ...(q.unit !== undefined ? { unit: this.units.resolve(q.unit)?.unitId ?? q.unit } : {}),
      ...(q.actor !== undefined ? { actor: q.actor } : {}),
      ...(q.correlationId !== undefined ? { correlationId: q.correlationId } : {}),
      ...(q.type !== undefined ? { type: q.type } : {}),
      ...(q.from !== undefined ? { from: q.from } : {}),
      ...(q.to !== undefined ? { to: q.to } : {}),
      ...(q.axis !== undefined ? { axis: q.axis } : {}),
    };
  }

  /** The query's own refusals (an impossible date, to before from) are 400s naming the field. */
  private run<T>(read: () => T): T {
    try {
      return read();
    } catch (err) {
      if (err instanceof InvalidAuditQueryError) throw new BadRequestException(err.message);
      throw err;
    }
  }
}

class ClientGone extends Error {}

/** Writes to the response, waiting for 'drain' when its buffer is full; throws ClientGone once the client has left. */
function streamWriter(res: Response): ExportWriter {
  return (chunk) => {
    if (res.destroyed || res.writableEnded) throw new ClientGone('the client closed the connection');
    if (res.write(chunk, 'utf8')) return;
    return new Promise<void>((resolve, reject) => {
      const done = () => {
        res.off('drain', done);
        res.off('close', done);
        if (res.destroyed) reject(new ClientGone('the client closed the connection'));
        else resolve();
      };
      res.on('drain', done);
      res.on('close', done);
    });
  };
}

/** `attachment; filename="<ascii>"; filename*=UTF-8''<percent-encoded>` (RFC 6266 / 5987): old clients get the ASCII name, others the Chinese one. */
export function contentDisposition(name: string, asciiFallback: string): string {
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${asciiFallback}"; filename*=UTF-8''${encoded}`;
}

/** YYYY-MM-DD in Asia/Shanghai. */
function beijingDate(now: Date): string {
  return new Date(now.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
}
