/**
 * One short line per event for people reading a history (the CLI, exports):
 * what happened, in the office's own words (交办, 签收, 销号 …), with the
 * facts that matter (unit, percent, deadline, reason). Times are shown in
 * Asia/Shanghai. Unknown types fall back to their data as compact JSON.
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
  assigned: (d, who) => `交办${who}，时限 ${when(d.deadline)}`,
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
  closed: () => '事项办结（各责任单位均已销号）',
  reopened: (d) => `事项重新打开（${s(d.unitId)}）`,
};

const ISSUE: Record<string, Summarizer> = {
  reported: (d) =>
    `问题登记「${clip(d.title)}」；类别 ${s(d.category)}；${URGENCY[s(d.urgency)] ?? s(d.urgency)}；报告单位 ${s(d.reportingUnit)}` +
    (d.parkId ? `；园区 ${s(d.parkId)}` : ''),
};

/** The fact of a type: `task.share.assigned.v1` → ['task.share', 'assigned']. */
function split(type: string): [string, string] | null {
  const m = /^(task\.share|task|issue)\.([a-z_]+)\.v\d+$/.exec(type);
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
    if (prefix === 'issue' && LOOP[fact]) return LOOP[fact](d, d.unitId ? ` ${s(d.unitId)}` : '');
  }
  return clip(JSON.stringify(data ?? null), 80);
}
