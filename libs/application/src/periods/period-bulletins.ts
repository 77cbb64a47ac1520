import type { BulletinInput } from '@duban/bulletin';
import { bulletinContentHash } from '@duban/bulletin';
import type { Actor } from '@duban/domain/decider';
import type { BulletinPublishedData, CloseRevision, PeriodCommand, PeriodRef, PeriodState } from '@duban/domain/period';
import { latestRevision, PeriodNotClosed, UnknownCloseRevision } from '@duban/domain/period';
import { periodRef } from '@duban/projections/periods/close-content';
import type { CommandEnvelope, CommandResult } from '../command-executor';
import { bulletinInputFromClose } from './bulletin-input';
import type { PeriodCloser } from './period-closer';

/** A unit asked for a bulletin that has not been published (404): before publishing only the office and auditors see the draft. */
export class BulletinNotPublished extends Error {
  constructor(
    readonly periodId: string,
    readonly revision: number | null,
  ) {
    super(
      revision === null
        ? `no bulletin of period ${periodId} has been published`
        : `no bulletin of period ${periodId} revision ${revision} has been published`,
    );
    this.name = 'BulletinNotPublished';
  }
}

export interface PeriodBulletin {
  period: PeriodRef;
  /** The close revision the bulletin is written from. */
  close: CloseRevision;
  input: BulletinInput;
  /** sha256 of the canonical content (what a publish records). */
  contentSha256: string;
  /** The bulletins published from this revision (oldest first); empty for a draft. */
  published: BulletinPublishedData[];
}

export interface PeriodBulletinsOptions {
  closer: Pick<PeriodCloser, 'parse' | 'state'>;
  send(command: PeriodCommand, envelope: CommandEnvelope): Promise<CommandResult<PeriodState>>;
  issuer: string;
  nameOf?: (unitId: string) => string;
  now?: () => Date;
}

/**
 * Bulletins (通报) of period closes: read one (the draft of any revision for
 * the office and auditors, a published one for units) and publish one through
 * the command bus (PublishBulletin → bulletin.published.v1 with the content's sha256).
 */
export class PeriodBulletins {
  constructor(private readonly o: PeriodBulletinsOptions) {}

  /** The bulletin of a revision (default: the latest) of a closed period. PeriodNotClosed, UnknownCloseRevision. */
  async bulletin(id: string, revision?: number, state?: PeriodState, command: 'ReadBulletin' | 'PublishBulletin' = 'ReadBulletin'): Promise<PeriodBulletin> {
    const period = periodRef(this.o.closer.parse(id));
    const s = state ?? (await this.o.closer.state(period.id));
    const latest = latestRevision(s);
    if (latest === null) throw new PeriodNotClosed(command, period.id);
    const close = revision === undefined ? latest : s.revisions.find((r) => r.revision === revision);
    if (!close) throw new UnknownCloseRevision(command, period.id, Number(revision), latest.revision);
    const input = bulletinInputFromClose(period, close, { issuer: this.o.issuer, ...(this.o.nameOf ? { nameOf: this.o.nameOf } : {}) });
    return { period, close, input, contentSha256: bulletinContentHash(input), published: s.bulletins.filter((b) => b.revision === close.revision) };
  }

  /**
   * What `actor` may read: a unit only a published bulletin (the revision of
   * the latest one published, or the one asked for when it was published);
   * everyone else the draft of any revision.
   */
  async forReader(id: string, actor: Actor, revision?: number): Promise<PeriodBulletin> {
    if (actor.role !== 'unit') return this.bulletin(id, revision);
    const period = periodRef(this.o.closer.parse(id));
    const state = await this.o.closer.state(period.id);
    const published = revision === undefined ? state.bulletins[state.bulletins.length - 1] : state.bulletins.find((b) => b.revision === revision);
    if (!published) throw new BulletinNotPublished(period.id, revision ?? null);
    return this.bulletin(id, published.revision, state);
  }

  /**
   * Publishes the bulletin of a revision (default: the latest): its content
   * hash goes into bulletin.published.v1. The command id is derived from the
   * period, revision, hash and `corrects`, so publishing the same again is a
   * replay that writes nothing.
   */
  async publish(
    id: string,
    actor: Actor,
    body: { revision?: number; corrects?: string },
    envelope: Partial<CommandEnvelope> = {},
  ): Promise<{ bulletin: PeriodBulletin; result: CommandResult<PeriodState>; record: BulletinPublishedData | null }> {
    const bulletin = await this.bulletin(id, body.revision, undefined, 'PublishBulletin');
    const at = (this.o.now ?? (() => new Date()))().toISOString();
    const revision = bulletin.close.revision;
    const command: PeriodCommand = {
      type: 'PublishBulletin',
      at,
      actor,
      data: { periodId: bulletin.period.id, revision, contentSha256: bulletin.contentSha256, ...(body.corrects ? { corrects: body.corrects } : {}) },
    };
    const commandId = `bulletin-${bulletin.period.id}:revision-${revision}:${bulletin.contentSha256}${body.corrects ? `:corrects-${body.corrects}` : ''}`;
    const result = await this.o.send(command, {
      commandId,
      correlationId: envelope.correlationId ?? commandId,
      causationId: envelope.causationId ?? commandId,
      actor,
      receivedAt: envelope.receivedAt ?? at,
    });
    const record =
      result.state.bulletins.find(
        (b) => b.revision === revision && b.contentSha256 === bulletin.contentSha256 && (body.corrects === undefined || b.corrects === body.corrects),
      ) ?? null;
    return { bulletin, result, record };
  }
}
