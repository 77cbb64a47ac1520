import { Body, Controller, HttpCode, Inject, Post, Req, Res, UnprocessableEntityException } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@duban/config';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { CurrentActor, Roles } from '@duban/access';
import type { Actor } from '@duban/domain/decider';
import { UnitRegistry } from '@duban/domain/units';
import type { EventStore } from '@duban/eventstore';
import { EVENT_STORE } from '@duban/eventstore/nest/event-store.module';
import { ImportError, parsePolicyDocument } from '@duban/importer';
import type { ImportPreview } from '@duban/importer';
import { commitImport, loadExisting, planImport } from '@duban/importer/commit';
import type { ExistingState, ImportPlan, ImportReport, ImportWriter } from '@duban/importer/commit';
import { effectiveTime, envelopeFrom } from '../common/command-context';
import { busWriter } from './bus-writer';
import type { ImportDocument } from './document';
import { documentOf } from './document';
import { ImportCommitDto, ImportPreviewDto } from './dto';

/** What POST /imports/preview answers: how the document was read, the parser's preview and the plan against the ledger as it stands. */
export interface ImportPreviewResponse {
  fileName: string | null;
  extraction: ImportDocument['extraction'];
  preview: ImportPreview;
  plan: ImportPlan;
}

export type ImportCommitResponse = ImportReport & { fileName: string | null };

/**
 * Importing a policy document over HTTP: the same parser, plan and commit as
 * `duban import` (libs/importer, README "Committing"), the commands through
 * the CommandBus. The preview writes nothing; the commit writes one stream per
 * item (RegisterTask) and per annex row (SetTarget), and with acceptAmendments
 * the amendments (AmendTask, ReviseTarget), with deterministic command ids, so
 * a failed or repeated commit can simply be sent again.
 */
@ApiTags('imports 文件导入')
@ApiBearerAuth()
@Controller('imports')
export class ImportsController {
  private readonly writer: ImportWriter;

  constructor(
    commands: CommandBus,
    @Inject(EVENT_STORE) store: EventStore,
    private readonly registry: UnitRegistry,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.writer = busWriter(commands, store);
  }

  @Post('preview')
  @HttpCode(200)
  @Roles('supervisor', 'admin')
  @ApiOperation({
    summary:
      'Read a policy document (text, or a .docx as docxBase64) and show what importing it would do: the preview (items, units, deadlines, targets, unresolved names, warnings) ' +
      'and the plan against the ledger (register / unchanged / amended with the diff / not registrable and why). Nothing is written.',
  })
  async preview(@Body() dto: ImportPreviewDto, @CurrentActor() actor: Actor): Promise<ImportPreviewResponse> {
    const { extraction, preview, plan } = await this.prepare(dto, actor, new Date());
    return { fileName: dto.fileName ?? null, extraction, preview, plan };
  }

  @Post('commit')
  @HttpCode(200)
  @Roles('supervisor')
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description:
      'A retried commit with the same key writes nothing new and reports the streams its first attempt wrote as written (replayed). ' +
      'Without a key a second commit writes nothing either (the items are unchanged), and says so.',
  })
  @ApiOperation({
    summary:
      'Commit a policy document (confirm: true): RegisterTask per registrable item and SetTarget per annex target row, as the calling supervisor. ' +
      'Amended items and rows are written (AmendTask → task.amended.v1, ReviseTarget → target.revised.v1) only with acceptAmendments: true, otherwise reported with the diff; ' +
      'items that cannot be registered and amendments the domain refuses are reported, not written; a refused command is reported with the item path and units and the rest goes on.',
  })
  async commit(
    @Body() dto: ImportCommitDto,
    @CurrentActor() actor: Actor,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ImportCommitResponse> {
    const now = new Date();
    const envelope = envelopeFrom(req, actor, now);
    const keyed = req.headers['idempotency-key'] !== undefined;
    const { plan, existing } = await this.prepare(dto, actor, now);
    const report = await commitImport(plan, this.writer, {
      // with a key the run's correlation id is derived from it: a retry recognises the streams its first attempt created
      correlationId: keyed ? `import:${envelope.commandId}` : envelope.correlationId,
      causationId: envelope.causationId,
      origins: existing.origins,
    });
    if (report.written.length > 0 && report.written.every((e) => e.replayed)) res.setHeader('Idempotent-Replayed', 'true');
    return { ...report, fileName: dto.fileName ?? null };
  }

  private async prepare(
    dto: ImportPreviewDto,
    actor: Actor,
    now: Date,
  ): Promise<{ extraction: ImportDocument['extraction']; preview: ImportPreview; plan: ImportPlan; existing: ExistingState }> {
    // 'document' is the plan's own keyword; any other value is checked as every effectiveAt is (format, back-dating by role)
    const effectiveAt = dto.effectiveAt === undefined || dto.effectiveAt === 'document' ? dto.effectiveAt : effectiveTime(actor, dto.effectiveAt, now, this.config.effectiveTimeFloor);
    try {
      const { text, extraction } = await documentOf(dto);
      const preview = parsePolicyDocument(text, {
        registry: this.registry,
        ...(dto.docNumber !== undefined ? { docNumber: dto.docNumber } : {}),
        ...(dto.scope !== undefined ? { scope: dto.scope } : {}),
      });
      const existing = await loadExisting(preview, this.writer);
      const plan = planImport(preview, existing.tasks, {
        actor,
        now,
        existingTargets: existing.targets,
        ...(dto.defaultDeadline !== undefined ? { defaultDeadline: dto.defaultDeadline } : {}),
        ...(effectiveAt !== undefined ? { effectiveAt } : {}),
        ...(dto.acceptAmendments ? { acceptAmendments: true } : {}),
        ...(dto.fileName !== undefined ? { sourceName: dto.fileName } : {}),
      });
      return { extraction, preview, plan, existing };
    } catch (err) {
      if (err instanceof ImportError) {
        throw new UnprocessableEntityException({ message: err.message, importError: err.code, details: err.details });
      }
      throw err;
    }
  }
}
