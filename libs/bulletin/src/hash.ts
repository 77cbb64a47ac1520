import { createHash } from 'node:crypto';
import type { BulletinDocument } from './document';
import { draftBulletin } from './draft';
import type { BulletinInput } from './model';

/**
 * The canonical form of a drafted bulletin: one line per leaf, `field=value`,
 * the field a path into the document (sections[3].paragraphs[0].text), the
 * value as JSON, object keys sorted. It is what the content hash is taken of,
 * and line-oriented so that a difference can be named by its field. It does
 * not depend on a renderer (the docx zip, fonts, the chart's SVG): the hash is
 * of what the bulletin says.
 */
export function canonicalBulletin(doc: BulletinDocument): string {
  const lines: string[] = [];
  const walk = (value: unknown, field: string): void => {
    if (Array.isArray(value)) {
      if (value.length === 0) lines.push(`${field}=[]`);
      value.forEach((v, i) => walk(v, `${field}[${i}]`));
    } else if (value !== null && typeof value === 'object') {
      const keys = Object.keys(value).filter((k) => (value as Record<string, unknown>)[k] !== undefined).sort();
      if (keys.length === 0) lines.push(`${field}={}`);
      for (const key of keys) walk((value as Record<string, unknown>)[key], field === '' ? key : `${field}.${key}`);
    } else {
      lines.push(`${field}=${JSON.stringify(value)}`);
    }
  };
  walk(doc, '');
  return `${lines.join('\n')}\n`;
}

/** sha256 (hex) of the canonical form of a drafted bulletin. */
export function documentContentHash(doc: BulletinDocument): string {
  return createHash('sha256').update(canonicalBulletin(doc), 'utf8').digest('hex');
}

/** The hash a publish event records: sha256 of the canonical form of `draftBulletin(input)`. */
export function bulletinContentHash(input: BulletinInput): string {
  return documentContentHash(draftBulletin(input));
}

export interface BulletinDifference {
  /** 1-based line of the canonical form where the two first differ. */
  readonly line: number;
  /** The field of that line (sections[0].paragraphs[1].text), or the field present on one side only. */
  readonly field: string;
  /** The value of that line in the first (recorded) bulletin, as JSON; undefined when it has no such line. */
  readonly expected: string | undefined;
  /** The value of that line in the second (rebuilt) bulletin. */
  readonly actual: string | undefined;
  /** One line for a CLI message. */
  readonly message: string;
}

function splitLine(line: string | undefined): { field: string; value: string } | undefined {
  if (line === undefined) return undefined;
  const at = line.indexOf('=');
  return at < 0 ? { field: line, value: '' } : { field: line.slice(0, at), value: line.slice(at + 1) };
}

/**
 * The first difference between two bulletins (drafted documents or their
 * canonical forms: the recorded one first), or null when they are the same —
 * exactly when their content hashes are equal.
 */
export function firstDifference(recorded: BulletinDocument | string, rebuilt: BulletinDocument | string): BulletinDifference | null {
  const a = (typeof recorded === 'string' ? recorded : canonicalBulletin(recorded)).split('\n');
  const b = (typeof rebuilt === 'string' ? rebuilt : canonicalBulletin(rebuilt)).split('\n');
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i] === b[i]) continue;
    const left = splitLine(a[i]);
    const right = splitLine(b[i]);
    const field = left && right && left.field !== right.field ? `${left.field} / ${right.field}` : (left ?? right)!.field;
    const expected = left?.value;
    const actual = right?.value;
    const message =
      left && right && left.field === right.field
        ? `line ${i + 1}: ${field} was ${left.value}, is now ${right.value}`
        : !right
          ? `line ${i + 1}: ${left!.field} is missing from the rebuilt bulletin`
          : !left
            ? `line ${i + 1}: ${right.field} is new in the rebuilt bulletin`
            : `line ${i + 1}: ${left.field} in the recorded bulletin, ${right.field} in the rebuilt one (a part was added or removed)`;
    return { line: i + 1, field, expected, actual, message };
  }
  return null;
}
