import type { Command } from '../decider/decider';
import type { CloseContent, PeriodRef } from './events';

/** Close a period that has ended (system: the catch-up and the monthly cron; or a supervisor). */
export type ClosePeriod = Command<'ClosePeriod', { readonly period: PeriodRef; readonly close: CloseContent }>;

/** A new revision of a closed period whose figures changed since (late facts); supervisor only. */
export type ReclosePeriod = Command<'ReclosePeriod', { readonly period: PeriodRef; readonly close: CloseContent }>;

/** Record that a bulletin (通报) rendered from a close revision was published: its content's sha256. */
export type PublishBulletin = Command<
  'PublishBulletin',
  {
    readonly periodId: string;
    readonly revision: number;
    readonly contentSha256: string;
    /** The bulletin id this one corrects (a published bulletin never changes). */
    readonly corrects?: string;
  }
>;

export type PeriodCommand = ClosePeriod | ReclosePeriod | PublishBulletin;
