import type { LoopStatus } from '@duban/domain/closure-loop';
import { CalendarCoverageError, localDateOf, officialCalendar, SHANGHAI_UTC_OFFSET_MS } from '@duban/domain/calendar';
import type { WorkingCalendar } from '@duban/domain/calendar';
import type { LadderRule, LadderThresholds } from '@duban/domain/ladder';
import { DEFAULT_LADDER_RULE } from '@duban/domain/ladder';
import type { LadderStep, LedgerColour, LedgerItem, LedgerView } from './ledger-row';
import { itemNextStep } from '../items/item-ladder';

/**
 * The ladder's thresholds in working days (yellowWithin 3, escalateAt 5,
 * blackAt 10 in duban-ladder-v1). They are the ladder rule's
 * (libs/domain/src/ladder): the colours a row shows and the acts the clock
 * writes on its stream (临近提醒, 督办, 通报批评) come from the same rule, so
 * they never disagree. Configure the rule (DUBAN_LADDER_RULE), not the ledger.
 */
export type LedgerPolicy = LadderThresholds;

export const DEFAULT_LEDGER_POLICY: Readonly<LedgerPolicy> = DEFAULT_LADDER_RULE.thresholds;

/** Status names as a supervision office writes them in its 台账. */
export const STATUS_TEXT: Readonly<Record<LoopStatus, string>> = {
  registered: '未交办',
  reported: '未交办',
  assigned: '已交办',
  acknowledged: '已签收',
  in_progress: '推进中',
  submitted: '待审核(申请销号)',
  closed: '已销号',
};

/** A count of working days (`provisional`: it classified a day of a provisional calendar year), or the year the calendar cannot answer. */
export type Span = { days: number; provisional: boolean } | { gap: CalendarCoverageError };

const DAY_MS = 86_400_000;

/** Provisional years after the last official one held in the prefix sums; later spans are walked (rare: years ahead). */
export const PROVISIONAL_HORIZON_YEARS = 5;

/** Asia/Shanghai day number of an instant (as the calendar counts days). */
function localDay(ms: number): number {
  return Math.floor((ms + SHANGHAI_UTC_OFFSET_MS) / DAY_MS);
}

function yearOfDay(day: number): number {
  return new Date(day * DAY_MS).getUTCFullYear();
}

function firstDayOf(year: number): number {
  return Math.round(Date.UTC(year, 0, 1) / DAY_MS);
}

/**
 * `calendar.workingDaysBetweenProvisional` in O(1): prefix sums of working
 * days from the first official year through the last official year +
 * PROVISIONAL_HORIZON_YEARS (the provisional years: weekends and statutory
 * holidays, no 调休), built once per calendar from `describe(d).working`.
 * Same answers, same refusals: a span touching a year the calendar cannot
 * answer (before its first official year; a gap between official years)
 * gives the CalendarCoverageError the calendar would throw (the first such
 * year of from, to, then the years between). A span past the horizon is
 * answered by the calendar itself. The spec checks it against the calendar.
 */
export class WorkingDayCounter {
  private static readonly cache = new WeakMap<WorkingCalendar, WorkingDayCounter>();
  private readonly first: number;
  private readonly last: number;
  /** The first day of the first provisional year (days from it on are provisional). */
  private readonly firstProvisional: number;
  /** cum[d - first]: working days in [first, d]. */
  private readonly cum: Int32Array;

  private constructor(private readonly calendar: WorkingCalendar) {
    const years = calendar.coveredYears;
    const lastOfficial = years[years.length - 1];
    const lastYear = calendar.answersYear(lastOfficial + PROVISIONAL_HORIZON_YEARS) ? lastOfficial + PROVISIONAL_HORIZON_YEARS : lastOfficial;
    this.first = firstDayOf(years[0]);
    this.last = firstDayOf(lastYear + 1) - 1;
    this.firstProvisional = firstDayOf(lastOfficial + 1);
    this.cum = new Int32Array(this.last - this.first + 1);
    let count = 0;
    for (let day = this.first; day <= this.last; day++) {
      if (calendar.answersYear(yearOfDay(day)) && calendar.describe(localDateOfDay(day)).working) count++;
      this.cum[day - this.first] = count;
    }
  }

  static of(calendar: WorkingCalendar): WorkingDayCounter {
    let counter = WorkingDayCounter.cache.get(calendar);
    if (!counter) {
      counter = new WorkingDayCounter(calendar);
      WorkingDayCounter.cache.set(calendar, counter);
    }
    return counter;
  }

  /** Signed working days from `fromMs` to `toMs`, as calendar.workingDaysBetweenProvisional; a coverage gap is returned, not thrown. */
  between(fromMs: number, toMs: number): Span {
    const a = localDay(fromMs);
    const b = localDay(toMs);
    const unanswered = this.firstUnanswered(a, b);
    if (unanswered !== null) return { gap: new CalendarCoverageError(unanswered, this.calendar.coveredYears) };
    if (Math.max(a, b) > this.last) {
      const { days, provisional } = this.calendar.workingDaysBetweenProvisional(new Date(fromMs), new Date(toMs));
      return { days, provisional };
    }
    const days = this.cum[b - this.first] - this.cum[a - this.first];
    return { days: days === 0 ? 0 : days, provisional: Math.max(a, b) >= this.firstProvisional };
  }

  private firstUnanswered(a: number, b: number): number | null {
    const ya = yearOfDay(a);
    const yb = yearOfDay(b);
    if (!this.calendar.answersYear(ya)) return ya;
    if (!this.calendar.answersYear(yb)) return yb;
    for (let y = Math.min(ya, yb) + 1; y < Math.max(ya, yb); y++) if (!this.calendar.answersYear(y)) return y;
    return null;
  }
}

function localDateOfDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/**
 * Computes rows' views at one instant (working days through WorkingDayCounter:
 * O(1) per row instead of a walk over the days between).
 */
export class LedgerViewer {
  private readonly nowMs: number;
  private readonly nowIso: string;
  private readonly counter: WorkingDayCounter;
  /** Parsed instants and local dates: a ledger repeats a few hundred deadlines over thousands of rows. */
  private readonly parsed = new Map<string, number>();
  private readonly dates = new Map<number, string>();

  private readonly policy: LedgerPolicy;

  /** `rule`: the ladder rule whose thresholds colour the rows and whose steps `nextStep` shows. */
  constructor(
    private readonly now: Date,
    private readonly rule: LadderRule = DEFAULT_LADDER_RULE,
    private readonly calendar: WorkingCalendar = officialCalendar,
  ) {
    this.policy = rule.thresholds;
    this.nowMs = now.getTime();
    this.nowIso = now.toISOString();
    this.counter = WorkingDayCounter.of(calendar);
  }

  view(item: LedgerItem): LedgerView {
    const due = item.deadline ?? item.taskDeadline;
    const closed = item.status === 'closed';
    // The unit's clock stops when it submits (申请销号); a closed item keeps the lateness it was submitted with.
    const measured = item.status === 'submitted' || closed ? (item.submittedAt ?? item.closedAt) : null;
    const measuredMs = measured === null ? this.nowMs : this.ms(measured);
    const measuredAt = measured === null ? this.nowIso : measured;
    const base = STATUS_TEXT[item.status];
    const extension = item.pendingExtension && !closed ? '申请延期中' : null;

    if (due === null) {
      return {
        due: null,
        dueDate: null,
        measuredAt,
        overdue: null,
        workingDaysLeft: null,
        workingDaysOverdue: null,
        colour: null,
        step: null,
        calendarGap: null,
        provisional: false,
        statusText: join(base, extension),
        nextStep: null,
      };
    }
    const dueMs = this.ms(due);
    const overdue = dueMs < measuredMs;
    const span = overdue ? this.counter.between(dueMs, measuredMs) : this.counter.between(measuredMs, dueMs);
    const gap = 'gap' in span ? { year: span.gap.year, reason: span.gap.message } : null;
    const days = 'days' in span ? span.days : null;
    const workingDaysLeft = overdue ? null : days;
    const workingDaysOverdue = overdue ? days : null;

    let colour: LedgerColour | null = null;
    let step: LadderStep | null = null;
    let note: string | null = null;
    if (closed) {
      if (overdue) note = workingDaysOverdue === null || workingDaysOverdue === 0 ? '逾期办结' : `逾期${workingDaysOverdue}个工作日办结`;
    } else if (overdue) {
      // Without calendar data the row is at least red; how far up the ladder is unknown.
      colour = workingDaysOverdue !== null && workingDaysOverdue >= this.policy.blackAt ? 'black' : 'red';
      step =
        workingDaysOverdue === null
          ? null
          : workingDaysOverdue >= this.policy.blackAt
            ? 'listed'
            : workingDaysOverdue >= this.policy.escalateAt
              ? 'escalated'
              : 'urged';
      note = workingDaysOverdue === null || workingDaysOverdue === 0 ? '已逾期' : `逾期${workingDaysOverdue}个工作日`;
    } else if (item.status === 'submitted') {
      // Submitted in time: nothing is left for the unit to do; the office verifies.
      colour = workingDaysLeft === null ? null : 'green';
      step = workingDaysLeft === null ? null : 'on_track';
    } else if (workingDaysLeft !== null) {
      const near = workingDaysLeft <= this.policy.yellowWithin;
      colour = near ? 'yellow' : 'green';
      step = near ? 'reminder' : 'on_track';
      if (near) note = workingDaysLeft === 0 ? '临期(今日到期)' : `临期(剩${workingDaysLeft}个工作日)`;
    }
    return {
      due,
      dueDate: this.localDate(dueMs),
      measuredAt,
      overdue,
      workingDaysLeft,
      workingDaysOverdue,
      colour,
      step,
      calendarGap: gap,
      provisional: 'days' in span && span.provisional,
      statusText: join(base, note, extension),
      nextStep: itemNextStep(item, this.rule, this.calendar),
    };
  }

  private ms(instant: string): number {
    let ms = this.parsed.get(instant);
    if (ms === undefined) {
      ms = Date.parse(instant);
      this.parsed.set(instant, ms);
    }
    return ms;
  }

  private localDate(ms: number): string {
    const day = localDay(ms);
    let date = this.dates.get(day);
    if (date === undefined) {
      date = localDateOf(new Date(ms));
      this.dates.set(day, date);
    }
    return date;
  }
}

function join(...parts: (string | null)[]): string {
  return parts.filter((p): p is string => p !== null).join('，');
}
