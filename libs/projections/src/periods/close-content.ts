/**
 * What a close records, computed from the read models at one log position:
 * every unit's figures and score (FiguresQuery, the same numbers GET /figures
 * gives), its rank in its group, the red and black lists under the list rule,
 * and the items behind each black entry. Pure over the read models: the same
 * position, rule and list rule give the same content and the same digest.
 */
import { createHash } from 'node:crypto';
import type { WorkingCalendar } from '@duban/domain/calendar';
import type { LadderStepName } from '@duban/domain/ladder';
import { LADDER_STEPS } from '@duban/domain/ladder';
import type { BlackEntry, BlackItem, CloseContent, ClosedUnit, GroupLists, PeriodRef } from '@duban/domain/period';
import type { UnitCategory } from '@duban/domain/units';
import { UNIT_CATEGORIES } from '@duban/domain/units';
import { canonicalJson } from '@duban/eventstore';
import type { FiguresItem, UnitFigures } from '../figures/figures';
import type { FiguresQuery } from '../figures/figures.query';
import type { Period } from '../figures/period';
import { periodId, periodInfo, periodMs } from '../figures/period';
import type { RuleRef } from '../figures/scoring';
import { rankGroup, scoringRule } from '../figures/scoring';
import type { Item } from '../items/item';
import type { ItemsQuery } from '../items/items.query';
import type { ListRule } from './list-rule';

export interface CloseInputs {
  readonly figures: FiguresQuery;
  readonly items: ItemsQuery;
  readonly calendar: WorkingCalendar;
}

export interface CloseRequest {
  readonly period: Period;
  /** Default: the current scoring rule. */
  readonly rule?: RuleRef | string;
  readonly listRule: ListRule;
  /** Default: as far as the figures read model has got. */
  readonly atPosition?: bigint;
}

/** The content of a close, without the head hash (the store gives it for the position). */
export type ComputedClose = Omit<CloseContent, 'headHash'>;

/** The fields of UnitFigures that are not figures (kept apart in ClosedUnit). */
const NOT_FIGURES = new Set(['unitId', 'group', 'score', 'rank', 'red', 'black']);

export function periodRef(period: Period): PeriodRef {
  const info = periodInfo(period);
  return { id: periodId(period), kind: info.kind, year: info.year, index: info.index, label: info.label, start: info.start, end: info.end };
}

export function computeClose(inputs: CloseInputs, request: CloseRequest): { period: PeriodRef; close: ComputedClose } {
  const period = periodRef(request.period);
  const rule = scoringRule(request.rule);
  const report = inputs.figures.unitFigures({
    period: request.period,
    asOf: period.end, // clipped to the period's last millisecond
    rule,
    ...(request.atPosition !== undefined ? { atPosition: request.atPosition } : {}),
  });
  const { startMs, endMs } = periodMs(report.period);
  const listRule = request.listRule;
  const criticised = criticisedUnits(inputs.items, startMs, endMs);

  // ranks and ranked lists under the list rule's N (the scoring rule's own lists are replaced, not edited)
  const ranking = { ...rule, lists: { redTop: listRule.redTop, blackBottom: listRule.blackBottom, minRankedUnits: listRule.minRankedUnits } };
  const units = new Map<string, { figures: UnitFigures; rank: number | null; red: boolean; rankBlack: boolean }>();
  for (const u of report.units) units.set(u.unitId, { figures: u, rank: null, red: false, rankBlack: false });
  const groups: GroupLists[] = [];
  for (const group of UNIT_CATEGORIES) {
    const members = report.units.filter((u) => u.group === group);
    const ranked = rankGroup(ranking, members, (u) => u.score);
    for (const r of ranked.ranked) Object.assign(units.get(r.entry.unitId)!, { rank: r.rank, red: r.red, rankBlack: r.black });
    const listed = (u: UnitFigures) => listRule.criticismListsBlack && criticised.has(u.unitId);
    const order = ranked.ranked.map((r) => r.entry);
    groups.push({
      group,
      scoredUnits: ranked.scoredUnits,
      listsDrawn: ranked.listsDrawn,
      red: order.filter((u) => units.get(u.unitId)!.red && !listed(u)).map((u) => u.unitId),
      black: order.filter((u) => units.get(u.unitId)!.rankBlack || listed(u)).map((u) => u.unitId),
    });
  }

  const closedUnits: ClosedUnit[] = [];
  const black: BlackEntry[] = [];
  for (const u of report.units) {
    const s = units.get(u.unitId)!;
    const listed = listRule.criticismListsBlack && criticised.has(u.unitId);
    const isBlack = s.rankBlack || listed;
    const figures: Record<string, number | null> = {};
    for (const [k, v] of Object.entries(u)) if (!NOT_FIGURES.has(k)) figures[k] = v as number | null;
    closedUnits.push({ unitId: u.unitId, group: u.group, score: u.score, rank: s.rank, red: s.red && !listed, black: isBlack, figures });
    if (isBlack) {
      const reasons: BlackEntry['reasons'][number][] = [];
      if (s.rankBlack) reasons.push('rank');
      if (listed) reasons.push('listed_for_criticism');
      black.push({ unitId: u.unitId, group: u.group, reasons, items: blackItems(inputs.calendar, unitRows(inputs, u.unitId), startMs, endMs, report.asOf) });
    }
  }

  const content = {
    asOf: report.asOf,
    position: report.position.toString(),
    rule: report.rule,
    listRule: { ...listRule },
    definitions: report.definitions,
    units: closedUnits,
    groups,
    black,
  };
  // the digest covers what the close says, not where it was computed: the same figures later give the same digest
  const { position: _p, ...said } = content;
  const digest = createHash('sha256').update(canonicalJson({ period: period.id, ...said })).digest('hex');
  return { period, close: { ...content, digest } };
}

/** Units with an item whose ladder reached 通报批评 (step `listing`) within [start, end). */
function criticisedUnits(items: ItemsQuery, startMs: number, endMs: number): Set<string> {
  const units = new Set<string>();
  for (const item of allItems(items)) {
    if (item.unitId === null) continue;
    if (item.ladder.taken.some((t) => t.step === 'listing' && within(t.at, startMs, endMs))) units.add(item.unitId);
  }
  return units;
}

interface Row {
  figures: FiguresItem;
  item: Item | null;
}

/** A unit's figures rows with their items-model rows (文号, path, title, ladder). */
function unitRows(inputs: CloseInputs, unitId: string): Row[] {
  return inputs.figures.items({ unitId }).map((figures) => ({ figures, item: inputs.items.get(figures.key) }));
}

/**
 * The items behind a black entry: open past their deadline at the period's end
 * (the deadline in force then, facts effective by then; items carried over
 * from earlier periods too — they weigh on the score as overdueCarried), or
 * escalated (督办) / listed (通报批评) within the period. By key.
 */
/** `asOf`: the period's last millisecond (working days overdue count the days after the deadline's, up to the period's last day). */
function blackItems(calendar: WorkingCalendar, rows: readonly Row[], startMs: number, endMs: number, asOf: string): BlackItem[] {
  const out: BlackItem[] = [];
  for (const { figures: f, item } of rows) {
    if (f.removed) continue;
    const cut = endMs - 1;
    const deadlines = f.deadlines.filter((d) => d.atMs <= cut);
    if (!deadlines.some((d) => d.cause === 'assigned')) continue;
    const deadline = deadlines[deadlines.length - 1];
    const closures = f.closures.filter((c) => c.atMs <= cut);
    const reopens = f.reopens.filter((r) => r.atMs <= cut);
    const lastClosure = closures[closures.length - 1];
    const lastReopen = reopens[reopens.length - 1];
    const closed = lastClosure !== undefined && (lastReopen === undefined || BigInt(lastClosure.position) > BigInt(lastReopen.position));
    const overdue = !closed && deadline.deadlineMs < endMs;
    const taken = (item?.ladder.taken ?? []).filter((t) => Date.parse(t.at) < endMs);
    const escalated = taken.some((t) => (t.step === 'escalation' || t.step === 'listing') && within(t.at, startMs, endMs));
    if (!overdue && !escalated) continue;
    out.push({
      key: f.key,
      unitId: f.unitId!,
      docNumber: item?.docNumber ?? null,
      itemPath: item?.itemPath ?? null,
      title: item?.title ?? f.key,
      deadline: deadline.deadline,
      workingDaysOverdue: overdue ? Math.max(0, calendar.workingDaysBetweenProvisional(deadline.deadline, asOf).days) : 0,
      ladderStep: highestStep(taken.map((t) => t.step)),
    });
  }
  return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

function highestStep(steps: readonly LadderStepName[]): LadderStepName | null {
  let best = -1;
  for (const s of steps) best = Math.max(best, LADDER_STEPS.indexOf(s));
  return best < 0 ? null : LADDER_STEPS[best];
}

function within(at: string, startMs: number, endMs: number): boolean {
  const ms = Date.parse(at);
  return ms >= startMs && ms < endMs;
}

function* allItems(items: ItemsQuery): Iterable<Item> {
  const limit = 1000;
  for (let offset = 0; ; offset += limit) {
    const page = items.list({ limit, offset });
    yield* page.rows;
    if (offset + limit >= page.total) return;
  }
}
