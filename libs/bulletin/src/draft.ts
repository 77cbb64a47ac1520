import type { AnnexTable, BulletinDocument, ChartGroup, Paragraph, RowMark, Section } from './document';
import { chineseDate, chineseNumeral, enumerate, percent, score } from './format';
import { anchorOf, ruleNameOf } from './model';
import type { BlackListing, BulletinEntry, BulletinInput, OverdueItem, OverdueStep, WorkRequirement } from './model';
import { periodKindOf, validateBulletinInput } from './validate';
import type { BulletinPeriodKind } from './validate';

/**
 * The version of the wording below. The content hash covers every sentence,
 * so rewording changes the hash of every bulletin: bump this (and keep the
 * old wording reachable) rather than edit a published template in place.
 */
export const BULLETIN_TEMPLATE = 'duban-bulletin-v1';

const DEFAULT_ADDRESSEES = '各开发区管委会，各区县（市）人民政府，市人民政府各部门：';

/** What the review of each kind of period is called (the supervision cycle: 月考核、季督导、半年通报、年度评价). */
const REVIEW_OF: Record<BulletinPeriodKind, string> = { month: '月度考评', quarter: '季度督导考评', half: '半年督查考评', year: '年度督查考评' };

const STEP_PHRASE: Record<OverdueStep, string> = { 催办: '已催办', 督办: '已督办', 通报批评: '已按程序通报批评' };

export const ANNEX_COLUMNS = [
  '单位', '得分', '排名', '应办结事项', '按期办结率', '办结率', '退回率', '延期率', '目标完成率', '逾期未办结', '往期逾期未办结', '重新打开', '红黑榜',
] as const;

/** 2021年5月份 for a month (the 通报 usage), the label as is otherwise. */
function periodPhrase(input: BulletinInput): string {
  return periodKindOf(input.period.id) === 'month' ? `${input.period.label}份` : input.period.label;
}

function scored(entries: readonly BulletinEntry[]): BulletinEntry[] {
  return entries.filter((e) => e.score !== null && e.rank !== null);
}

/** "在县市组中排名第6，得分61.20分，按期办结率50%" — the facts a listing's reason starts from. */
function standing(e: BulletinEntry, group: string): string {
  return `在${group}组中排名第${e.rank}，得分${score(e.score)}分，按期办结率${percent(e.onTimeRate)}，办结率${percent(e.closureRate)}`;
}

function redReason(e: BulletinEntry, group: string): string {
  const overdue = e.overdue + e.overdueCarried === 0 ? '无逾期未办结事项' : `逾期未办结${e.overdue + e.overdueCarried}项`;
  return `${standing(e, group)}，${overdue}。`;
}

function blackReason(e: BulletinEntry, group: string): string {
  const parts = [standing(e, group)];
  if (e.overdue > 0) parts.push(`逾期未办结${e.overdue}项`);
  if (e.overdueCarried > 0) parts.push(`往期逾期未办结${e.overdueCarried}项`);
  if (e.reopens > 0) parts.push(`重新打开${e.reopens}项`);
  return `${parts.join('，')}。`;
}

/**
 * An item path (canonical 二/（一）/3) as a bulletin cites it: 第二部分第（一）项第3条.
 * A segment of another shape is cited as 第…项.
 */
export function citeItemPath(path: string): string {
  return path
    .split('/')
    .map((segment) => {
      if (/^[一二三四五六七八九十]+$/.test(segment)) return `第${segment}部分`;
      if (/^（.+）$/.test(segment)) return `第${segment}项`;
      if (/^\d+$/.test(segment)) return `第${segment}条`;
      return `第${segment}项`;
    })
    .join('');
}

/** "1. 郑政办〔2021〕34号文件第二部分第（一）项第3条“…”，逾期12个工作日，已督办。" (the unit named when it is not the listed one). */
function overdueLine(n: number, item: OverdueItem, listedUnitId: string): Paragraph {
  const unit = item.unit.id === listedUnitId ? '' : `（${item.unit.name}）`;
  return {
    text: `${n}. ${item.documentNumber}文件${citeItemPath(item.path)}“${item.title}”${unit}，逾期${item.workingDaysOverdue}个工作日，${STEP_PHRASE[item.step]}。`,
  };
}

function overview(input: BulletinInput, phrase: string): Section {
  const t = input.totals;
  const overdue =
    t.overdue === 0
      ? '无逾期未办结事项'
      : `逾期未办结${t.overdue}项，其中已督办${t.escalated}项、已通报批评${t.listedForCriticism}项`;
  const paragraphs: Paragraph[] = [
    {
      text: `${phrase}，纳入考评的重点工作事项共${t.items}项，已办结${t.closed}项，办结率${percent(t.closureRate)}，按期办结率${percent(t.onTimeRate)}；${overdue}。`,
    },
  ];
  const perGroup: string[] = [];
  const unscored: string[] = [];
  for (const group of input.groups) {
    const ranked = scored(group.entries);
    unscored.push(...group.entries.filter((e) => e.score === null).map((e) => e.unit.name));
    if (ranked.length < 2) {
      perGroup.push(`${group.name}组参与排名的单位不足2个，本期不排名`);
      continue;
    }
    const top = ranked.filter((e) => e.rank === 1);
    const lastRank = Math.max(...ranked.map((e) => e.rank!));
    if (lastRank === 1) {
      perGroup.push(`${group.name}组各单位得分相同（${score(top[0]!.score)}分）`);
      continue;
    }
    const bottom = ranked.filter((e) => e.rank === lastRank);
    perGroup.push(
      `${group.name}组${enumerate(top.map((e) => e.unit.name))}得分最高（${score(top[0]!.score)}分），${enumerate(bottom.map((e) => e.unit.name))}得分最低（${score(bottom[0]!.score)}分）`,
    );
  }
  paragraphs.push({ text: `从分组排名看，${perGroup.join('；')}。${unscored.length > 0 ? `${enumerate(unscored)}本期无应办结事项，未参与排名。` : ''}详见附件。` });
  return { heading: '一、总体情况', paragraphs };
}

function praise(input: BulletinInput, units: ReturnType<typeof validateBulletinInput>): Section {
  if (input.red.length === 0) return { heading: '二、通报表扬', paragraphs: [{ text: '本期未产生通报表扬单位。' }] };
  const paragraphs: Paragraph[] = [{ text: '经综合考评，以下单位在本组排名第一，予以通报表扬：' }];
  input.red.forEach((r, i) => {
    const { entry, group } = units.get(r.unitId)!;
    paragraphs.push({ lead: `（${chineseNumeral(i + 1)}）${entry.unit.name}。`, text: r.reason ?? redReason(entry, group) });
  });
  paragraphs.push({ text: '希望受到表扬的单位再接再厉，持续发挥示范带动作用。' });
  return { heading: '二、通报表扬', paragraphs };
}

function criticism(input: BulletinInput, units: ReturnType<typeof validateBulletinInput>): Section {
  if (input.black.length === 0) return { heading: '三、通报批评', paragraphs: [{ text: '本期未产生通报批评单位。' }] };
  const paragraphs: Paragraph[] = [{ text: '经综合考评，以下单位在本组排名末位，予以通报批评：' }];
  input.black.forEach((b: BlackListing, i) => {
    const { entry, group } = units.get(b.unitId)!;
    const items = b.overdueItems.length > 0 ? `逾期事项如下：` : '';
    paragraphs.push({ lead: `（${chineseNumeral(i + 1)}）${entry.unit.name}。`, text: `${b.reason ?? blackReason(entry, group)}${items}` });
    b.overdueItems.forEach((item, j) => paragraphs.push(overdueLine(j + 1, item, b.unitId)));
  });
  return { heading: '三、通报批评', paragraphs };
}

/** 四、工作要求 drafted from the black list and the totals (used when the input brings none). */
export function draftRequirements(input: BulletinInput): WorkRequirement[] {
  const requirements: WorkRequirement[] = [];
  const names = (ids: readonly string[]) =>
    enumerate(ids.map((id) => input.groups.flatMap((g) => g.entries).find((e) => e.unit.id === id)!.unit.name));
  if (input.black.length > 0) {
    const by = input.rectifyBy === undefined ? '自本通报印发之日起15个工作日内' : `于${chineseDate(input.rectifyBy)}前`;
    requirements.push({
      heading: '抓紧整改逾期事项',
      text: `${names(input.black.map((b) => b.unitId))}要对照本通报所列逾期事项，逐项查找原因，明确整改措施、责任人和完成时限，${by}将整改情况书面报送${input.issuer}。`,
    });
  }
  const t = input.totals;
  if (t.overdue > 0) {
    const escalated = t.escalated > 0 ? `，其中${t.escalated}项已督办` : '';
    requirements.push({
      heading: '严格落实办结时限',
      text: `全市尚有${t.overdue}项重点工作事项逾期未办结${escalated}。各责任单位要倒排工期、压实责任，确需延期的应按程序提前申请，不得逾期不报、久拖不办。`,
    });
  } else {
    requirements.push({
      heading: '巩固办理成效',
      text: '本期各单位重点工作事项无逾期未办结情况。各单位要保持工作力度，确保后续事项按期办结。',
    });
  }
  requirements.push({
    heading: '强化督查结果运用',
    text: `${input.issuer}将持续跟踪重点工作办理情况，逐期考评、定期通报；对整改不力、多次逾期的单位，将进一步加大督办力度。`,
  });
  return requirements;
}

function annexTables(input: BulletinInput): AnnexTable[] {
  return input.groups.map((group, g) => ({
    caption: `（${chineseNumeral(g + 1)}）${group.name}`,
    group: group.name,
    columns: [...ANNEX_COLUMNS],
    rows: group.entries.map((e) => ({
      unitId: e.unit.id,
      mark: markOf(e),
      cells: [
        e.unit.name,
        score(e.score),
        e.rank === null ? '—' : String(e.rank),
        String(e.due),
        percent(e.onTimeRate),
        percent(e.closureRate),
        percent(e.reworkRate),
        percent(e.extensionRate),
        percent(e.targetCompletion),
        String(e.overdue),
        String(e.overdueCarried),
        String(e.reopens),
        e.red ? '红榜' : e.black ? '黑榜' : '—',
      ],
    })),
  }));
}

function markOf(e: BulletinEntry): RowMark {
  return e.red ? 'red' : e.black ? 'black' : null;
}

function chartGroups(input: BulletinInput): ChartGroup[] {
  return input.groups.map((group) => ({
    group: group.name,
    bars: scored(group.entries)
      .slice()
      .sort((a, b) => a.rank! - b.rank!)
      .map((e) => ({ unit: e.unit.name, score: e.score!, rank: e.rank!, mark: markOf(e) })),
  }));
}

/**
 * Drafts the bulletin: title, 文号, 一、总体情况, 二、通报表扬, 三、通报批评,
 * 四、工作要求, signature, and the annex (a table per group, the notes, the
 * anchor line). Pure: throws {@link BulletinInputError} on an inconsistent input.
 */
export function draftBulletin(input: BulletinInput): BulletinDocument {
  const units = validateBulletinInput(input);
  const phrase = periodPhrase(input);
  const kind = periodKindOf(input.period.id);
  const count = input.groups.reduce((n, g) => n + g.entries.length, 0);
  const requirements = input.requirements ?? draftRequirements(input);
  const anchor = anchorOf(input);
  const rule = ruleNameOf(input.rule);
  const annexTitle = `${phrase}重点工作督查考评情况统计表`;
  return {
    title: `${input.issuer}关于${phrase}重点工作督查情况的通报`,
    documentNumber: input.documentNumber,
    addressees: input.addressees ?? DEFAULT_ADDRESSEES,
    opening: `根据重点工作督查考评安排，${input.issuer}对全市${count}个开发区、区县（市）${phrase}重点工作办理情况进行了${REVIEW_OF[kind]}。现将有关情况通报如下：`,
    sections: [
      overview(input, phrase),
      praise(input, units),
      criticism(input, units),
      { heading: '四、工作要求', paragraphs: requirements.map((r, i) => ({ lead: `（${chineseNumeral(i + 1)}）${r.heading}。`, text: r.text })) },
    ],
    attachmentNote: `附件：${annexTitle}`,
    signature: { issuer: input.issuer, date: chineseDate(input.issuedAt) },
    annex: {
      label: '附件',
      title: annexTitle,
      tables: annexTables(input),
      notes: [
        `注：1. 得分按评分规则${rule}计算，同分同名次；各组排名第一的单位列入红榜，排名末位的单位列入黑榜。`,
        '2. “—”表示本期无应办结事项或该项不适用。',
        `3. 本通报数据依据事件日志第${input.position}条（头哈希${input.headHash}）生成，可用 duban verify --anchor ${anchor} 核验。`,
      ],
    },
    provenance: { anchor, position: input.position, headHash: input.headHash, rule, template: BULLETIN_TEMPLATE },
    chart: { title: `${phrase}重点工作督查考评得分排名`, groups: chartGroups(input) },
  };
}
