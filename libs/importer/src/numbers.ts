/** Chinese numerals as written in outline numbers and quantities (一 … 九十九, 一百二十, 两). */
const DIGITS: Readonly<Record<string, number>> = {
  零: 0, 〇: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9,
};
const UNITS: Readonly<Record<string, number>> = { 十: 10, 百: 100, 千: 1000 };

export const CHINESE_NUMERAL_CHARS = '零〇一二两三四五六七八九十百千';

/** The value of a Chinese numeral below 10000 (十 = 10, 十二 = 12, 二十 = 20, 一百零五 = 105); null when it is not one. */
export function parseChineseNumeral(text: string): number | null {
  if (text === '') return null;
  let total = 0;
  let digit: number | null = null;
  for (const ch of text) {
    if (ch in DIGITS) {
      digit = DIGITS[ch]!;
    } else if (ch in UNITS) {
      total += (digit ?? 1) * UNITS[ch]!;
      digit = null;
    } else {
      return null;
    }
  }
  return total + (digit ?? 0);
}
