/**
 * The bulletin (通报) of a period close: the BulletinInput of @duban/bulletin
 * built from one close revision as recorded (period.closed.v1 /
 * period.reclosed.v1) — nothing else is read, so the same close gives the
 * same bulletin, byte for byte (docs/periods.md, "The bulletin").
 */
import type { BulletinEntry, BulletinGroup, BulletinInput, BulletinTotals, OverdueItem } from '@duban/bulletin';
import { BULLETIN_GROUPS, OVERDUE_STEP_OF_LADDER } from '@duban/bulletin';
import { percent, score } from '@duban/bulletin/format';
import type { BlackEntry, BlackItem, CloseRevision, ClosedUnit, PeriodRef } from '@duban/domain/period';

/** The issuing office when DUBAN_BULLETIN_ISSUER is not set. */
export const DEFAULT_BULLETIN_ISSUER = '郑州市人民政府办公厅';

/** DUBAN_BULLETIN_ISSUER (trimmed), else 郑州市人民政府办公厅. The issuer is printed, so it is part of the content hash. */
export function bulletinIssuer(env: NodeJS.ProcessEnv = process.env): string {
  const value = env.DUBAN_BULLETIN_ISSUER?.trim();
  return value ? value : DEFAULT_BULLETIN_ISSUER;
}

export interface BulletinInputOptions {
  readonly issuer: string;
  /** The printed name of a unit id (the registry's); the id itself when absent — registry ids are the official names. */
  readonly nameOf?: (unitId: string) => string;
}

/** The close fields a bulletin is written from (a CloseRevision as the period stream folds it). */
export type BulletinClose = Pick<CloseRevision, 'closedAt' | 'position' | 'headHash' | 'rule' | 'units' | 'groups' | 'black'>;

const BEIJING_MS = 8 * 3600_000;

/** YYYY-MM-DD of an instant in Beijing. */
function beijingDate(instant: string): string {
  return new Date(Date.parse(instant) + BEIJING_MS).toISOString().slice(0, 10);
}

function num(figures: ClosedUnit['figures'], name: string): number {
  return figures[name] ?? 0;
}

function rate(numerator: number, denominator: number): number | null {
  return denominator === 0 ? null : Math.round((numerator / denominator) * 10_000) / 10_000;
}

/**
 * The BulletinInput of a close revision. Groups in the bulletin's order
 * (开发区, 县市, 市内区), entries as the leaderboard orders them (by rank, ties
 * and unscored units in registry order: the close's order); red and black as
 * the close's group lists; the overdue items behind each black entry from the
 * close; issue date = the close's effective date (closedAt, Beijing);
 * the 文号 line a placeholder of that year.
 */
export function bulletinInputFromClose(period: Pick<PeriodRef, 'id' | 'label'>, close: BulletinClose, options: BulletinInputOptions): BulletinInput {
  const nameOf = options.nameOf ?? ((id: string) => id);
  const unit = (id: string) => ({ id, name: nameOf(id) });
  const listsOf = (name: string) => close.groups.find((g) => g.group === name);
  const listedRed = new Set(BULLETIN_GROUPS.flatMap((g) => listsOf(g)?.red ?? []));
  const listedBlack = new Set(BULLETIN_GROUPS.flatMap((g) => listsOf(g)?.black ?? []));
  const groups: BulletinGroup[] = BULLETIN_GROUPS.map((name) => {
    const members = close.units.filter((u) => u.group === name);
    const ordered = members
      .map((u, i) => ({ u, i }))
      .sort((a, b) => (a.u.rank ?? Infinity) - (b.u.rank ?? Infinity) || a.i - b.i)
      .map(({ u }) => u);
    // flags as the group lists have them: a unit black only for an item listed for criticism but without a
    // score this period is not on a ranked list, and a bulletin lists ranked units only (docs/periods.md)
    return { name, entries: ordered.map((u) => entryOf(u, unit(u.unitId), listedRed.has(u.unitId), listedBlack.has(u.unitId))) };
  });
  const entryById = new Map(groups.flatMap((g) => g.entries.map((e) => [e.unit.id, { e, group: g.name }] as const)));
  const red = [...listedRed].map((unitId) => ({ unitId }));
  const black = [...listedBlack].map((unitId) => {
    const entry = close.black.find((b) => b.unitId === unitId);
    const { e, group } = entryById.get(unitId)!;
    return {
      unitId,
      ...(entry?.reasons.includes('listed_for_criticism') ? { reason: criticisedReason(e, group, entry) } : {}),
      overdueItems: (entry?.items ?? []).flatMap((item) => overdueItem(item, unit(item.unitId))),
    };
  });
  const issuedAt = beijingDate(close.closedAt);
  return {
    issuer: options.issuer,
    period: { id: period.id, label: period.label },
    documentNumber: `郑政办文〔${issuedAt.slice(0, 4)}〕　号`,
    totals: totalsOf(close),
    groups,
    red,
    black,
    rule: { id: close.rule.id, version: close.rule.version },
    position: close.position,
    headHash: close.headHash,
    issuedAt,
  };
}

function entryOf(u: ClosedUnit, unit: { id: string; name: string }, red: boolean, black: boolean): BulletinEntry {
  const f = u.figures;
  return {
    unit,
    score: u.score,
    rank: u.rank,
    red,
    black,
    due: num(f, 'due'),
    assessed: num(f, 'assessed'),
    onTimeRate: f.onTimeRate ?? null,
    closureRate: f.closureRate ?? null,
    reworkRate: f.reworkRate ?? null,
    extensionRate: f.extensionRate ?? null,
    targetCompletion: f.targetCompletion ?? null,
    overdue: num(f, 'overdue'),
    overdueCarried: num(f, 'overdueCarried'),
    reopens: num(f, 'reopens'),
  };
}

/**
 * Why a unit is on the black list when an item of it reached 通报批评 in the
 * period (the drafted reason only gives its standing, which need not be last).
 */
function criticisedReason(e: BulletinEntry, group: string, entry: BlackEntry): string {
  const standing = `在${group}组中排名第${e.rank}，得分${score(e.score)}分，按期办结率${percent(e.onTimeRate)}，办结率${percent(e.closureRate)}`;
  const overdue = e.overdue > 0 ? `，逾期未办结${e.overdue}项` : '';
  const last = entry.reasons.includes('rank') ? '，位列本组末位' : '';
  return `${standing}${overdue}${last}；本期有事项经督办仍未办结，已按程序通报批评。`;
}

/**
 * A black item as the bulletin cites it. Left out (they stay in the close and
 * in GET /periods/{id}): items without a 文号 and item path (issues), and
 * items no step against lateness was taken on (催办, 督办, 通报批评): the bulletin
 * states the step taken, and none was.
 */
function overdueItem(item: BlackItem, unit: { id: string; name: string }): OverdueItem[] {
  if (item.docNumber === null || item.itemPath === null) return [];
  const step = item.ladderStep === null ? undefined : OVERDUE_STEP_OF_LADDER[item.ladderStep as keyof typeof OVERDUE_STEP_OF_LADDER];
  if (step === undefined) return [];
  return [{ documentNumber: item.docNumber, path: item.itemPath, title: item.title, unit, workingDaysOverdue: item.workingDaysOverdue, step }];
}

/**
 * Totals over the units of the three groups. Escalated (督办) and listed
 * (通报批评) count the distinct items behind the black list whose highest step
 * reached them: those are the items the close records.
 */
function totalsOf(close: BulletinClose): BulletinTotals {
  const ranked = close.units.filter((u) => u.group !== null);
  const sum = (name: string) => ranked.reduce((acc, u) => acc + num(u.figures, name), 0);
  const items = sum('assessed');
  const steps = new Map<string, string | null>();
  for (const entry of close.black) for (const item of entry.items) steps.set(item.key, item.ladderStep);
  const stepsTaken = [...steps.values()];
  return {
    items,
    closed: sum('closed'),
    onTimeRate: rate(sum('closedOnTime'), items),
    closureRate: rate(sum('closed'), items),
    overdue: sum('overdue'),
    escalated: stepsTaken.filter((s) => s === 'escalation' || s === 'listing').length,
    listedForCriticism: stepsTaken.filter((s) => s === 'listing').length,
  };
}
