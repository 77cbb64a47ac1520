/** How a bulletin writes numbers and dates: Chinese forms, Beijing time, and never a float artefact. */

const BEIJING_OFFSET_MS = 8 * 3600_000;
const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Year, month and day of a date (YYYY-MM-DD, taken as a Beijing date) or of an instant, in Beijing time; null if invalid. */
export function beijingDateParts(value: string): { year: number; month: number; day: number } | null {
  const dateOnly = DATE_ONLY.exec(value);
  if (dateOnly) {
    const [year, month, day] = [Number(dateOnly[1]), Number(dateOnly[2]), Number(dateOnly[3])];
    const check = new Date(Date.UTC(year, month - 1, day));
    if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) return null;
    return { year, month, day };
  }
  // An instant must carry its offset: a bare local time would be read in the server's zone.
  if (!/(Z|[+-]\d{2}:?\d{2})$/.test(value)) return null;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) return null;
  const local = new Date(ms + BEIJING_OFFSET_MS);
  return { year: local.getUTCFullYear(), month: local.getUTCMonth() + 1, day: local.getUTCDate() };
}

function partsOrThrow(value: string) {
  const parts = beijingDateParts(value);
  if (!parts) throw new RangeError(`not a date: ${value}`);
  return parts;
}

/** 2021年6月1日 */
export function chineseDate(value: string): string {
  const { year, month, day } = partsOrThrow(value);
  return `${year}年${month}月${day}日`;
}

/** Midnight of the date in Beijing, as a UTC instant (2021-05-31T16:00:00Z for 2021-06-01): the docx's fixed timestamps. */
export function beijingMidnightUtc(value: string): Date {
  const { year, month, day } = partsOrThrow(value);
  return new Date(Date.UTC(year, month - 1, day) - BEIJING_OFFSET_MS);
}

/** A fraction as a percentage with at most 2 decimals: 1 → 100%, 0.6667 → 66.67%, 0.955 → 95.5%; null → —. */
export function percent(rate: number | null): string {
  if (rate === null) return '—';
  // Figures come rounded to 4 decimals: scale to hundredths of a percent as an integer first.
  const hundredths = Math.round(rate * 10000);
  const whole = Math.trunc(hundredths / 100);
  const fraction = Math.abs(hundredths % 100);
  const decimals = fraction === 0 ? '' : `.${String(fraction).padStart(2, '0').replace(/0$/, '')}`;
  return `${hundredths < 0 && whole === 0 ? '-' : ''}${whole}${decimals}%`;
}

/** A score with 2 decimals (98.50); null → —. */
export function score(value: number | null): string {
  if (value === null) return '—';
  return (Math.round(value * 100) / 100).toFixed(2);
}

/** 一 … 九十九, for the （一） leads. */
export function chineseNumeral(n: number): string {
  const digits = ['', '一', '二', '三', '四', '五', '六', '七', '八', '九'];
  if (!Number.isInteger(n) || n < 1 || n > 99) throw new RangeError(`no numeral for ${n}`);
  if (n < 10) return digits[n]!;
  const tens = Math.trunc(n / 10);
  return `${tens === 1 ? '' : digits[tens]}十${digits[n % 10]}`;
}

/** Names joined with the enumeration comma: 甲、乙、丙. */
export function enumerate(names: readonly string[]): string {
  return names.join('、');
}
