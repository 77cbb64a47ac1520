/**
 * One short line per event for people reading a history (the CLI, exports):
 * what happened, in the office's own words (交办, 签收, 销号 …), with the
 * facts that matter (unit, percent, deadline, reason). Times are shown in
 * Asia/Shanghai. An amendment (task.amended.v1, target.revised.v1) lists each
 * changed field as "label from → to" (unit lists as −left +joined), then its
 * reason and document. Unknown types fall back to their data as compact JSON.
 */

const SHANGHAI = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

/** `2021-04-30 10:00:05` in Asia/Shanghai (Beijing time); the input as given when it is not an instant. */
export function shanghaiTime(iso: string): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  const p = Object.fromEntries(SHANGHAI.formatToParts(new Date(ms)).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}`;
}

/** A time inside the data (a deadline) in Beijing time, without ":00" seconds: "2021-11-30 23:59:59", "2021-05-06 09:00". */
function when(v: unknown): string {
  if (typeof v !== 'string' || Number.isNaN(Date.parse(v))) return s(v) || '?';
  const t = shanghaiTime(v);
  return t.endsWith(':00') ? t.slice(0, -3) : t;
}

function s(v: unknown): string {
  return typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v);
}

/** At most `max` characters, on one line. */
export function clip(v: unknown, max = 40): string {
  const text = s(v).replace(/\s+/g, ' ').trim();
  return [...text].length > max ? `${[...text].slice(0, max - 1).join('')}…` : text;
}

function list(v: unknown): string {
  return Array.isArray(v) ? v.map(s).join('、') : '';
}

function count(v: unknown): number {
  return Array.isArray(v) ? v.length : 0;
}

const URGENCY: Record<string, string> = { urgent: '紧急', normal: '一般', complex: '复杂' };

type Summarizer = (d: Record<string, unknown>) => string;

/** The loop facts, shared by task shares and issues; `who` is ' <unit>' when the data names the unit, else ''. */
const LOOP: Record<string, (d: Record<string, unknown>, who: string) => string> = {
  assigned: (d, who) => `交办${who}，时限 ${when(d.deadline)}${d.provisional ? '（暂按法定节假日计算，待国务院放假通知）' : ''}`,
  acknowledged: (_d, who) => `签收${who}`,
  progress_reported: (d, who) => `进展报送${who} ${s(d.percent)}%：${clip(d.narrative)}${count(d.evidence) ? `（佐证 ${count(d.evidence)} 件）` : ''}`,
  note_added: (d, who) => `协办备注${who}（${s(d.byUnit)}）：${clip(d.note)}`,
  completion_submitted: (d, who) => `申请销号${who}：${clip(d.summary)}（佐证 ${count(d.evidence)} 件）`,
  completion_approved: (_d, who) => `销号${who}（审核通过）`,
  completion_rejected: (d, who) => `退回${who}：${clip(d.reason)}`,
  reopened: (d, who) => `重新打开${who}：${clip(d.reason)}${d.deadline ? `，新时限 ${when(d.deadline)}` : ''}`,
  extension_requested: (d, who) => `申请延期${who} 至 ${when(d.requestedDeadline)}：${clip(d.reason)}`,
  extension_granted: (d, who) => `同意延期${who} 至 ${when(d.deadline)}`,
  extension_refused: (d, who) => `不同意延期${who}：${clip(d.reason)}`,
  deadline_recounted: (d) =>
    `按${list(d.nowOfficialYears)}年放假通知重算时限：${d.moved ? `${when(d.previousDeadline)} → ${when(d.deadline)}` : `${when(d.deadline)}不变`}` +
    `（${s(d.workingDays)}个工作日${count(d.reclassifiedDays) ? `，${count(d.reclassifiedDays)}天调整` : ''}）`,
};

const TASK: Record<string, Summarizer> = {
  registered: (d) => {
    const doc = (d.sourceDocument ?? {}) as Record<string, unknown>;
    const target = d.target as { value?: unknown; unit?: unknown; comparator?: unknown } | undefined;
    return (
      `登记事项 ${s(doc.docNumber)} ${s(d.itemPath)}「${clip(d.title)}」；牵头 ${list(d.leadUnits)}；` +
      `责任 ${list(d.responsibleUnits)}${count(d.cooperatingUnits) ? `；配合 ${list(d.cooperatingUnits)}` : ''}；` +
      `完成时限 ${when(d.deadline)}${target ? `；目标 ${s(target.comparator)}${s(target.value)}${s(target.unit)}` : ''}`
    );
  },
  amended: (d) => `修订事项：${changeList(d.changes, TASK_CHANGE)}${because(d)}`,
  closed: () => '事项办结（各责任单位均已销号）',
  reopened: (d) => `事项重新打开（${s(d.unitId)}）`,
};

/** `（理由：…；依据 …）`: why an amendment or revision was made, and the document it follows. */
function because(d: Record<string, unknown>): string {
  const parts = [`理由：${clip(d.reason) || '?'}`, ...(d.documentRef ? [`依据 ${clip(d.documentRef, 30)}`] : [])];
  return `（${parts.join('；')}）`;
}

/** The changes of an amendment or revision, `；`-separated, each through `describe` (its field label and from → to). */
function changeList(changes: unknown, describe: (c: Record<string, unknown>) => string): string {
  const items = (Array.isArray(changes) ? changes : []).filter((c): c is Record<string, unknown> => typeof c === 'object' && c !== null);
  return items.length ? items.map(describe).join('；') : '?';
}

/** A deadline in an amendment, short: the day alone for the usual end-of-day deadline ("2021-12-31"), else as `when`. */
function day(v: unknown): string {
  const t = when(v);
  return t.endsWith(' 23:59:59') ? t.slice(0, -' 23:59:59'.length) : t;
}

/** A unit-list change as what left and what came: "−市工信局 +市科技局" (the whole lists when only the order changed). */
function unitDiff(from: unknown, to: unknown): string {
  const a = Array.isArray(from) ? from.map(s) : [];
  const b = Array.isArray(to) ? to.map(s) : [];
  const diff = [...a.filter((u) => !b.includes(u)).map((u) => `−${u}`), ...b.filter((u) => !a.includes(u)).map((u) => `+${u}`)];
  return diff.length ? diff.join(' ') : `${list(a)} → ${list(b)}`;
}

/** A task's numeric target ">=20个", or 无. */
function targetText(v: unknown): string {
  if (typeof v !== 'object' || v === null) return '无';
  const t = v as Record<string, unknown>;
  return `${s(t.comparator)}${s(t.value)}${s(t.unit)}`;
}

/**
 * A changed text, before and after, quoted and clipped to `max` characters
 * each; when one is too long, both start a few characters before the first
 * difference ("…" for what is left out), so the clipped parts still differ.
 * null: 无.
 */
function quotedChange(from: unknown, to: unknown, max: number): string {
  const a = from === null || from === undefined ? null : [...clip(from, Infinity)];
  const b = to === null || to === undefined ? null : [...clip(to, Infinity)];
  let start = 0;
  if (a !== null && b !== null && Math.max(a.length, b.length) > max) {
    let same = 0;
    while (same < a.length && same < b.length && a[same] === b[same]) same++;
    start = Math.max(0, same - 4);
  }
  const show = (chars: string[] | null) => {
    if (chars === null) return '无';
    const rest = chars.slice(start).join('');
    return start > 0 ? `“…${clip(rest, max - 1)}”` : `“${clip(rest, max)}”`;
  };
  return `${show(a)} → ${show(b)}`;
}

const TASK_FIELD = new Map<string, (from: unknown, to: unknown) => string>([
  ['title', (f, t) => `标题 ${quotedChange(f, t, 20)}`],
  ['text', (f, t) => `内容 ${quotedChange(f, t, 16)}`],
  ['documentTitle', (f, t) => `文件标题 ${quotedChange(f, t, 16)}`],
  ['leadUnits', (f, t) => `牵头 ${unitDiff(f, t)}`],
  ['responsibleUnits', (f, t) => `责任单位 ${unitDiff(f, t)}`],
  ['cooperatingUnits', (f, t) => `配合 ${unitDiff(f, t)}`],
  ['deadline', (f, t) => `完成时限 ${day(f)} → ${day(t)}`],
  ['target', (f, t) => `目标 ${targetText(f)} → ${targetText(t)}`],
]);

/** One change of task.amended.v1; a field this version does not know shows its name and both values, clipped. */
const TASK_CHANGE = (c: Record<string, unknown>): string =>
  TASK_FIELD.get(s(c.field))?.(c.from, c.to) ??
  `${s(c.field) || '?'} ${clip(JSON.stringify(c.from ?? null), 16)} → ${clip(JSON.stringify(c.to ?? null), 16)}`;

const TARGET_FIELD = new Map([
  ['value', '数值'],
  ['unitOfMeasure', '计量单位'],
]);

/** One change of target.revised.v1. */
const TARGET_CHANGE = (c: Record<string, unknown>): string =>
  `${TARGET_FIELD.get(s(c.field)) ?? (s(c.field) || '?')} ${clip(c.from, 16)} → ${clip(c.to, 16)}`;

const TARGET: Record<string, Summarizer> = {
  revised: (d) => `修订目标：${changeList(d.changes, TARGET_CHANGE)}${because(d)}`,
};

const ISSUE: Record<string, Summarizer> = {
  reported: (d) =>
    `问题登记「${clip(d.title)}」；类别 ${s(d.category)}；${URGENCY[s(d.urgency)] ?? s(d.urgency)}；报告单位 ${s(d.reportingUnit)}` +
    (d.parkId ? `；园区 ${s(d.parkId)}` : ''),
};

/** The fact of a type: `task.share.assigned.v1` → ['task.share', 'assigned']. */
function split(type: string): [string, string] | null {
  const m = /^(task\.share|task|issue|target)\.([a-z_]+)\.v\d+$/.exec(type);
  return m ? [m[1], m[2]] : null;
}

/** A short, Chinese-friendly summary of an event's data. */
export function summarizeEvent(type: string, data: unknown): string {
  const d = (typeof data === 'object' && data !== null ? data : {}) as Record<string, unknown>;
  const parts = split(type);
  if (parts) {
    const [prefix, fact] = parts;
    if (prefix === 'task.share' && LOOP[fact]) return LOOP[fact](d, ` ${s(d.unitId)}`);
    if (prefix === 'task' && TASK[fact]) return TASK[fact](d);
    if (prefix === 'issue' && ISSUE[fact]) return ISSUE[fact](d);
    if (prefix === 'target' && TARGET[fact]) return TARGET[fact](d);
    if (prefix === 'issue' && LOOP[fact]) return LOOP[fact](d, d.unitId ? ` ${s(d.unitId)}` : '');
  }
  if (type === 'unit.group_members_set.v1') {
    const previous = d.previous === null || d.previous === undefined ? '未知' : `${count(d.previous)}个`;
    return `单位组「${s(d.groupId)}」成员设为 ${list(d.members)}（${count(d.members)}个；此前${previous}）${d.note ? `；${clip(s(d.note))}` : ''}`;
  }
  if (type === 'unit.added.v1') return `新增单位 ${s(d.id)}${d.group ? `（${s(d.group)}）` : ''}`;
  if (type === 'unit.alias_added.v1') return `单位 ${s(d.unitId)} 新增别名 ${s(d.alias)}`;
  return clip(JSON.stringify(data ?? null), 80);
}
