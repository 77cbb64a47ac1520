/**
 * The period decider (stream `period-<id>`): closes (结算) and bulletins (通报).
 *
 * The figures, ranks and lists of a close are computed by the read side (they
 * are a function of the log at one position) and handed in as command data;
 * the decider keeps the lifecycle: a period is closed only once it has ended,
 * once (revision 1), again only by a supervisor and only when the figures
 * changed (a new revision: period.reclosed.v1), never rewritten. A close or
 * re-close with the digest of the latest revision writes nothing.
 */
import type { Decider } from '../decider/decider';
import { assertNever } from '../decider/decider';
import { InvalidCommandData } from '../decider/errors';
import { checkEnvelope, instantMs, isIsoInstant, requireRole } from '../decider/guards';
import type { ClosePeriod, PeriodCommand, PublishBulletin, ReclosePeriod } from './commands';
import { diffCloses } from './diff';
import {
  BulletinAlreadyPublished,
  PeriodAlreadyClosed,
  PeriodNotClosed,
  PeriodNotEnded,
  UnknownBulletin,
  UnknownCloseRevision,
} from './errors';
import type { BulletinPublishedData, CloseContent, PeriodEvent, PeriodRef } from './events';

export interface CloseRevision extends CloseContent {
  readonly revision: number;
  readonly closedAt: string;
}

export interface PeriodState {
  readonly period: PeriodRef | null;
  /** Oldest first; the last is the period's current close. */
  readonly revisions: readonly CloseRevision[];
  readonly bulletins: readonly BulletinPublishedData[];
}

export const initialPeriodState = (): PeriodState => ({ period: null, revisions: [], bulletins: [] });

export function latestRevision(state: PeriodState): CloseRevision | null {
  return state.revisions[state.revisions.length - 1] ?? null;
}

const SHA256 = /^[0-9a-f]{64}$/;

export function decidePeriod(command: PeriodCommand, state: PeriodState): PeriodEvent[] {
  checkEnvelope(command);
  switch (command.type) {
    case 'ClosePeriod':
      return close(command, state);
    case 'ReclosePeriod':
      return reclose(command, state);
    case 'PublishBulletin':
      return publish(command, state);
    default:
      return assertNever(command, 'period command');
  }
}

function close(command: ClosePeriod, state: PeriodState): PeriodEvent[] {
  requireRole(command.type, command.actor, 'system', 'supervisor');
  const { period, close: content } = checkClose(command, state);
  const latest = latestRevision(state);
  if (latest === null) {
    return [{ type: 'period.closed.v1', data: { periodId: period.id, period, revision: 1, closedAt: command.at, ...content } }];
  }
  if (latest.digest === content.digest) return []; // closed already, nothing changed: nothing to write
  throw new PeriodAlreadyClosed(command.type, period.id, latest.revision);
}

function reclose(command: ReclosePeriod, state: PeriodState): PeriodEvent[] {
  requireRole(command.type, command.actor, 'supervisor');
  const { period, close: content } = checkClose(command, state);
  const latest = latestRevision(state);
  if (latest === null) throw new PeriodNotClosed(command.type, period.id);
  if (latest.digest === content.digest) return [];
  return [
    {
      type: 'period.reclosed.v1',
      data: {
        periodId: period.id,
        period,
        revision: latest.revision + 1,
        previousRevision: latest.revision,
        previousDigest: latest.digest,
        closedAt: command.at,
        changes: diffCloses(latest.units, content.units),
        ...content,
      },
    },
  ];
}

function checkClose(command: ClosePeriod | ReclosePeriod, state: PeriodState): { period: PeriodRef; close: CloseContent } {
  const { period, close: content } = command.data ?? ({} as ClosePeriod['data']);
  if (!period || typeof period.id !== 'string' || !isIsoInstant(period.end) || !isIsoInstant(period.start)) {
    throw new InvalidCommandData(command.type, 'period', 'must name the period with its id, start and end');
  }
  if (state.period !== null && state.period.id !== period.id) {
    throw new InvalidCommandData(command.type, 'period', `this stream is period ${state.period.id}, not ${period.id}`);
  }
  if (instantMs(command.at) < instantMs(period.end)) throw new PeriodNotEnded(command.type, period.id, period.end, command.at);
  if (!content || typeof content.digest !== 'string' || !SHA256.test(content.digest)) {
    throw new InvalidCommandData(command.type, 'close.digest', 'must be a sha256 (64 hex digits)');
  }
  if (!/^\d{1,19}$/.test(content.position)) throw new InvalidCommandData(command.type, 'close.position', 'must be a global position (digits)');
  if (!SHA256.test(content.headHash)) throw new InvalidCommandData(command.type, 'close.headHash', 'must be a sha256 (64 hex digits)');
  return { period, close: content };
}

function publish(command: PublishBulletin, state: PeriodState): PeriodEvent[] {
  requireRole(command.type, command.actor, 'system', 'supervisor');
  const { revision, contentSha256, corrects } = command.data ?? ({} as PublishBulletin['data']);
  const latest = latestRevision(state);
  if (state.period === null || latest === null) throw new PeriodNotClosed(command.type, String(command.data?.periodId));
  if (command.data.periodId !== state.period.id) {
    throw new InvalidCommandData(command.type, 'periodId', `this stream is period ${state.period.id}, not ${command.data.periodId}`);
  }
  if (typeof contentSha256 !== 'string' || !SHA256.test(contentSha256)) {
    throw new InvalidCommandData(command.type, 'contentSha256', 'must be a sha256 (64 lower-case hex digits)');
  }
  const closeRevision = state.revisions.find((r) => r.revision === revision);
  if (!closeRevision) throw new UnknownCloseRevision(command.type, state.period.id, Number(revision), latest.revision);
  const correcting = corrects ?? null;
  if (correcting !== null && !state.bulletins.some((b) => b.bulletinId === correcting)) throw new UnknownBulletin(command.type, correcting);

  const same = state.bulletins.find((b) => b.revision === revision && b.contentSha256 === contentSha256 && (correcting === null || b.corrects === correcting));
  if (same) return []; // published already: a retry or a second publish of the same content
  const published = state.bulletins.find((b) => b.revision === revision);
  if (published && correcting === null) throw new BulletinAlreadyPublished(command.type, published.bulletinId, published.contentSha256);

  return [
    {
      type: 'bulletin.published.v1',
      data: {
        periodId: state.period.id,
        bulletinId: `${state.period.id}#${state.bulletins.length + 1}`,
        revision,
        contentSha256,
        rule: closeRevision.rule,
        listRule: closeRevision.listRule,
        position: closeRevision.position,
        headHash: closeRevision.headHash,
        digest: closeRevision.digest,
        corrects: correcting,
        publishedAt: command.at,
      },
    },
  ];
}

export function evolvePeriod(state: PeriodState, event: PeriodEvent): PeriodState {
  switch (event.type) {
    case 'period.closed.v1':
    case 'period.reclosed.v1': {
      const { periodId: _id, period, ...rest } = event.data;
      const revision: CloseRevision = {
        revision: rest.revision,
        closedAt: rest.closedAt,
        asOf: rest.asOf,
        position: rest.position,
        headHash: rest.headHash,
        rule: rest.rule,
        listRule: rest.listRule,
        definitions: rest.definitions,
        digest: rest.digest,
        units: rest.units,
        groups: rest.groups,
        black: rest.black,
      };
      return { ...state, period, revisions: [...state.revisions, revision] };
    }
    case 'bulletin.published.v1':
      return { ...state, bulletins: [...state.bulletins, event.data] };
    default:
      return assertNever(event, 'period event');
  }
}

export const periodDecider: Decider<PeriodState, PeriodCommand, PeriodEvent> = {
  decide: decidePeriod,
  evolve: (state, event) => evolvePeriod(state, event),
  initialState: initialPeriodState,
};
