import { SHANGHAI_UTC_OFFSET_MS, startOfLocalDay } from '@duban/domain/calendar';

/**
 * The supervision cycle's periods (seed 000 (八): 月考核、季督导、半年通报、年度评价):
 * a month (index 1–12), a quarter (1–4), a half year (1–2) or a year (index 1
 * or omitted). Boundaries are midnight Asia/Shanghai (a fixed +08:00).
 */
export type PeriodKind = 'month' | 'quarter' | 'half' | 'year';

export const PERIOD_KINDS: readonly PeriodKind[] = ['month', 'quarter', 'half', 'year'];

export interface Period {
  readonly kind: PeriodKind;
  readonly year: number;
  /** month 1–12, quarter 1–4, half 1–2; for a year 1 or omitted. */
  readonly index?: number;
}

/** A period with its bounds: [start, end), both midnight Asia/Shanghai, written with +08:00. */
export interface PeriodInfo {
  readonly kind: PeriodKind;
  readonly year: number;
  readonly index: number;
  /** e.g. 2021年6月, 2021年第二季度, 2021年上半年, 2021年度 */
  readonly label: string;
  /** First instant of the period, e.g. 2021-06-01T00:00:00+08:00. */
  readonly start: string;
  /** First instant AFTER the period (exclusive), e.g. 2021-07-01T00:00:00+08:00. */
  readonly end: string;
}

/** A malformed figures request (period, as-of, rule, position). */
export class InvalidFiguresQueryError extends Error {
  constructor(
    readonly field: string,
    reason: string,
  ) {
    super(`${field} ${reason}`);
    this.name = 'InvalidFiguresQueryError';
  }
}

/** First year for which the fixed +08:00 offset is exact (see the calendar), last one we accept. */
const MIN_YEAR = 1992;
const MAX_YEAR = 9998;

const MAX_INDEX: Record<PeriodKind, number> = { month: 12, quarter: 4, half: 2, year: 1 };
const MONTHS_PER: Record<PeriodKind, number> = { month: 1, quarter: 3, half: 6, year: 12 };
const QUARTER_NAMES = ['一', '二', '三', '四'];

/** Validates a period and returns its bounds; throws {@link InvalidFiguresQueryError}. */
export function periodInfo(period: Period): PeriodInfo {
  const { kind, year } = period;
  if (!PERIOD_KINDS.includes(kind)) throw new InvalidFiguresQueryError('period', `must be one of ${PERIOD_KINDS.join(', ')}`);
  if (!Number.isInteger(year) || year < MIN_YEAR || year > MAX_YEAR) {
    throw new InvalidFiguresQueryError('year', `must be a whole number from ${MIN_YEAR} to ${MAX_YEAR}`);
  }
  const index = period.index ?? (kind === 'year' ? 1 : undefined);
  if (index === undefined) throw new InvalidFiguresQueryError('index', `is required for a ${kind}`);
  if (!Number.isInteger(index) || index < 1 || index > MAX_INDEX[kind]) {
    throw new InvalidFiguresQueryError('index', `must be a whole number from 1 to ${MAX_INDEX[kind]} for a ${kind}`);
  }
  const firstMonth = (index - 1) * MONTHS_PER[kind] + 1; // 1-based
  const afterMonth = firstMonth + MONTHS_PER[kind]; // may be 13: January of the next year
  const startMs = monthStartMs(year, firstMonth);
  const endMs = afterMonth > 12 ? monthStartMs(year + 1, afterMonth - 12) : monthStartMs(year, afterMonth);
  return { kind, year, index, label: label(kind, year, index), start: shanghaiIso(startMs), end: shanghaiIso(endMs) };
}

/** Epoch milliseconds of a period's [start, end). */
export function periodMs(info: PeriodInfo): { startMs: number; endMs: number } {
  return { startMs: Date.parse(info.start), endMs: Date.parse(info.end) };
}

/** Has the period ended at `now` (its end lies at or before now)? */
export function periodEnded(period: Period, now: Date): boolean {
  return Date.parse(periodInfo(period).end) <= now.getTime();
}

/** An instant written in Asia/Shanghai local time with +08:00 (milliseconds only when not zero). */
export function shanghaiIso(ms: number): string {
  const text = new Date(ms + SHANGHAI_UTC_OFFSET_MS).toISOString(); // the local wall clock, labelled Z
  return `${text.endsWith('.000Z') ? text.slice(0, -5) : text.slice(0, -1)}+08:00`;
}

function monthStartMs(year: number, month: number): number {
  return startOfLocalDay(`${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-01`).getTime();
}

function label(kind: PeriodKind, year: number, index: number): string {
  switch (kind) {
    case 'month':
      return `${year}年${index}月`;
    case 'quarter':
      return `${year}年第${QUARTER_NAMES[index - 1]}季度`;
    case 'half':
      return `${year}年${index === 1 ? '上' : '下'}半年`;
    case 'year':
      return `${year}年度`;
  }
}

// ---------------------------------------------------------------- period ids (the streams' `period-<id>`)

/**
 * A period's id, as the periods API, the streams (`period-<id>`) and the
 * bulletins name it: `2021-05` (month), `2021-Q2` (quarter), `2021-H1` (half
 * year), `2021` (year).
 */
export function periodId(period: Period): string {
  const info = periodInfo(period);
  switch (info.kind) {
    case 'month':
      return `${info.year}-${String(info.index).padStart(2, '0')}`;
    case 'quarter':
      return `${info.year}-Q${info.index}`;
    case 'half':
      return `${info.year}-H${info.index}`;
    case 'year':
      return String(info.year);
  }
}

const PERIOD_ID = /^(\d{4})(?:-(?:(\d{2})|Q(\d)|H(\d)))?$/;

/** Parses `2021-05`, `2021-Q2`, `2021-H1` or `2021`; throws InvalidFiguresQueryError('period', …) naming the id. */
export function parsePeriodId(id: string): Period {
  const m = typeof id === 'string' ? PERIOD_ID.exec(id) : null;
  const malformed = () =>
    new InvalidFiguresQueryError('period', `${JSON.stringify(id)} is not a period id (write 2021-05 for a month, 2021-Q2 for a quarter, 2021-H1 for a half year, 2021 for a year)`);
  if (!m) throw malformed();
  const year = Number(m[1]);
  const period: Period =
    m[2] !== undefined
      ? { kind: 'month', year, index: Number(m[2]) }
      : m[3] !== undefined
        ? { kind: 'quarter', year, index: Number(m[3]) }
        : m[4] !== undefined
          ? { kind: 'half', year, index: Number(m[4]) }
          : { kind: 'year', year };
  try {
    periodInfo(period);
  } catch (err) {
    if (err instanceof InvalidFiguresQueryError) throw new InvalidFiguresQueryError('period', `${id}: ${err.message}`);
    throw err;
  }
  return period;
}

/** The periods of one kind that lie in a year, in order. */
export function periodsOfYear(kind: PeriodKind, year: number): Period[] {
  return Array.from({ length: MAX_INDEX[kind] }, (_, i) => ({ kind, year, index: i + 1 }));
}
