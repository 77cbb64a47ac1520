import { BadRequestException, Body, Controller, Get, HttpCode, NotFoundException, Param, Post, Query, Req, Res, UnprocessableEntityException } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { CurrentActor, Roles } from '@duban/access';
import { BulletinNotPublished, PeriodBulletins } from '@duban/application/periods';
import type { PeriodBulletin } from '@duban/application/periods';
import { anchorOf, BulletinInputError, draftBulletin, renderDocx, renderHtml, renderMarkdown } from '@duban/bulletin';
import type { Actor } from '@duban/domain/decider';
import { InvalidFiguresQueryError } from '@duban/projections/figures/period';
import { envelopeFrom } from '../common/command-context';
import { BulletinQueryDto, PublishBulletinDto } from './dto';

const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

/**
 * The bulletin (通报) of a period close (docs/periods.md, "The bulletin"):
 * read it as Markdown, HTML or .docx, and publish it. A unit reads only a
 * published bulletin; the office and auditors also the draft of any revision.
 */
@ApiTags('periods (closes, 红黑榜)')
@ApiBearerAuth()
@Controller('periods/:periodId/bulletin')
export class BulletinsController {
  constructor(private readonly bulletins: PeriodBulletins) {}

  @Get()
  @Roles('supervisor', 'auditor', 'admin', 'unit')
  @ApiOperation({
    summary:
      'The bulletin of a close revision (default: the latest; a unit: the latest published) as md (default), html, docx or json (hash, anchor, publications). 409 when the period is not closed; 404 for a unit when nothing is published.',
  })
  async read(@Param('periodId') id: string, @Query() q: BulletinQueryDto, @CurrentActor() actor: Actor, @Res() res: Response): Promise<void> {
    const b = await this.run(() => this.bulletins.forReader(id, actor, q.revision));
    const format = q.format ?? 'md';
    res.setHeader('X-Bulletin-Sha256', b.contentSha256);
    res.setHeader('X-Bulletin-Revision', String(b.close.revision));
    res.setHeader('X-Bulletin-Status', b.published.length > 0 ? 'published' : 'draft');
    // a published bulletin served again must be the one published: say whether the rebuilt content still has its hash
    if (b.published.length > 0) res.setHeader('X-Bulletin-Verified', String(verified(b)));
    if (format === 'json') {
      res.status(200).json(summary(b));
      return;
    }
    const doc = await this.run(async () => draftBulletin(b.input));
    if (format === 'md') res.status(200).type('text/markdown; charset=utf-8').send(renderMarkdown(doc));
    else if (format === 'html') res.status(200).type('text/html; charset=utf-8').send(renderHtml(doc));
    else {
      const file = await renderDocx(doc, b.input.issuedAt);
      const name = `${b.period.label}督查情况通报（第${b.close.revision}版）.docx`;
      const ascii = `bulletin-${b.period.id}-r${b.close.revision}.docx`;
      res.status(200);
      res.setHeader('Content-Type', DOCX);
      res.setHeader('Content-Disposition', `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`);
      res.send(file);
    }
  }

  @Post('publish')
  @HttpCode(201)
  @Roles('supervisor')
  @ApiOperation({
    summary:
      'Publish the bulletin of a close revision (default: the latest): records its content sha256 (bulletin.published.v1). The same again is a replay (201, replayed: true, nothing written); other content for a published revision must name the bulletin it corrects (409 otherwise).',
  })
  async publish(
    @Param('periodId') id: string,
    @Body() body: PublishBulletinDto,
    @Req() req: Request,
    @CurrentActor() actor: Actor,
    @Res({ passthrough: true }) res: Response,
  ) {
    const { correlationId, causationId, receivedAt } = envelopeFrom(req, actor, new Date());
    const { bulletin, result, record } = await this.run(() =>
      this.bulletins.publish(id, actor, { ...(body?.revision !== undefined ? { revision: body.revision } : {}), ...(body?.corrects ? { corrects: body.corrects } : {}) }, { correlationId, causationId, receivedAt }),
    );
    const replayed = result.replayed || result.events.length === 0;
    if (replayed) res.setHeader('Idempotent-Replayed', 'true');
    return { ...summary({ ...bulletin, published: record ? [record] : bulletin.published }), bulletin: record, events: result.events, replayed, position: result.position.toString() };
  }

  private async run<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (err) {
      if (err instanceof InvalidFiguresQueryError) throw new BadRequestException({ message: err.message, field: err.field });
      if (err instanceof BulletinNotPublished) throw new NotFoundException({ message: err.message, periodId: err.periodId });
      // the close cannot be written up as a bulletin (e.g. a black-listed unit without a rank): not the caller's input
      if (err instanceof BulletinInputError) throw new UnprocessableEntityException({ message: `the close cannot be drafted as a bulletin: ${err.message}`, field: err.field });
      throw err;
    }
  }
}

function summary(b: PeriodBulletin) {
  return {
    periodId: b.period.id,
    revision: b.close.revision,
    contentSha256: b.contentSha256,
    anchor: anchorOf(b.input),
    rule: b.close.rule.name,
    issuedAt: b.input.issuedAt,
    status: b.published.length > 0 ? 'published' : 'draft',
    /** Published: whether the content rebuilt now has a published hash (false: run `duban bulletin verify`); null for a draft. */
    verified: b.published.length > 0 ? verified(b) : null,
    published: b.published,
  };
}

function verified(b: PeriodBulletin): boolean {
  return b.published.some((p) => p.contentSha256 === b.contentSha256);
}
