import type { Page } from '@duban/projections';

const bigintAsString = (_key: string, value: unknown) => (typeof value === 'bigint' ? value.toString() : value);

/**
 * JSON.stringify with bigints as strings. Without the replacer first: it turns off V8's fast path, and where
 * BigInt.prototype.toJSON is installed (the api: common/bigint-json.ts) the output is the same; a bigint
 * without it throws, and then the replacer writes it.
 */
function json(value: unknown): string | undefined {
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      return Number.isFinite(value) ? String(value) : 'null'; // as JSON writes numbers (-0 → "0", NaN → null)
    case 'bigint':
      return `"${value.toString()}"`;
    default:
      if (value === null) return 'null';
      if (Array.isArray(value) && Object.isFrozen(value)) return frozenArrayJson(value);
      try {
        return JSON.stringify(value);
      } catch {
        return JSON.stringify(value, bigintAsString);
      }
  }
}

/**
 * The JSON of a frozen array of primitives, made once: nothing can change it (an inbox entry's `needs` is one of a
 * few shared frozen arrays, written 50 times per page). A frozen array holding objects is written each time.
 */
const frozenJson = new WeakMap<readonly unknown[], string>();
function frozenArrayJson(value: readonly unknown[]): string | undefined {
  let text = frozenJson.get(value);
  if (text === undefined) {
    text = JSON.stringify(value, bigintAsString);
    if (value.every((v) => v === null || (typeof v !== 'object' && typeof v !== 'function'))) frozenJson.set(value, text);
  }
  return text;
}

/** `"key":` for each field name met so far (a page has a handful of them, written 50 times each). */
const keyJson = new Map<string, string>();
function keyPrefix(key: string): string {
  let k = keyJson.get(key);
  if (k === undefined) {
    k = `${JSON.stringify(key)}:`;
    if (keyJson.size < 1000) keyJson.set(key, k);
  }
  return k;
}

/** The UTF-8 JSON of each item object, made once: ItemsQuery hands out the same object for a row until its next commit. */
const itemBytes = new WeakMap<object, Buffer>();

function cachedItem(item: object): Buffer {
  let bytes = itemBytes.get(item);
  if (bytes === undefined) {
    bytes = Buffer.from(json(item)!, 'utf8');
    itemBytes.set(item, bytes);
  }
  return bytes;
}

/** A plain object, walked key by key (anything else, a Date or an object with toJSON, goes through JSON.stringify). */
const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v) && typeof (v as { toJSON?: unknown }).toJSON !== 'function';
const skipped = (v: unknown) => v === undefined || typeof v === 'function' || typeof v === 'symbol'; // as JSON.stringify skips them

/**
 * The body as it is built: text, and the cached item buffers between stretches of it. `bytes()` allocates the
 * response once and writes the text into it from JavaScript (the text between two items is short and almost
 * always ASCII) instead of making a small buffer of each stretch and concatenating them.
 */
class Body {
  private readonly parts: Array<string | Buffer> = [];
  private text = '';

  add(text: string): void {
    this.text += text;
  }

  addBytes(bytes: Buffer): void {
    if (this.text.length > 0) this.parts.push(this.text);
    this.text = '';
    this.parts.push(bytes);
  }

  bytes(): Buffer {
    if (this.text.length > 0) this.parts.push(this.text);
    this.text = '';
    let capacity = 0;
    for (const part of this.parts) capacity += typeof part === 'string' ? part.length * 3 : part.length; // ≤ 3 UTF-8 bytes per UTF-16 unit
    const out = Buffer.allocUnsafe(capacity);
    let at = 0;
    for (const part of this.parts) {
      if (typeof part === 'string') {
        at = writeText(out, at, part);
      } else {
        out.set(part, at);
        at += part.length;
      }
    }
    return out.subarray(0, at);
  }
}

/** Writes `text` as UTF-8 at `at` and returns where it ends: ASCII byte by byte, from the first other character on by Buffer#write. */
function writeText(out: Buffer, at: number, text: string): number {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x80) return at + out.write(i === 0 ? text : text.slice(i), at, 'utf8');
    out[at++] = c;
  }
  return at;
}

function writeObject(body: Body, value: Record<string, unknown>, field: (key: string, v: unknown) => boolean): void {
  body.add('{');
  let first = true;
  for (const key of Object.keys(value)) {
    const v = value[key];
    if (skipped(v)) continue;
    if (!first) body.add(',');
    body.add(keyPrefix(key));
    first = false;
    if (!field(key, v)) body.add(json(v)!);
  }
  body.add('}');
}

/**
 * The UTF-8 JSON of a page of inbox entries ({ item, needs, overdue,
 * msToDeadline }), byte for byte what `JSON.stringify(page)` writes with
 * bigints as strings, with each item's bytes made once while ItemsQuery keeps
 * its page: an inbox is asked again and again between two commits, and its
 * 45 KB of JSON was the api's largest cost under read load. Only `needs`,
 * `overdue` and `msToDeadline` (which move with the clock) are written per
 * request. Safe for any page shape: a field that is not an item object is
 * serialised as usual.
 */
export function pageBody<T extends object>(page: Page<T>): Buffer {
  const body = new Body();
  writeObject(body, page as unknown as Record<string, unknown>, (key, rows) => {
    if (key !== 'rows' || !Array.isArray(rows)) return false;
    body.add('[');
    rows.forEach((row: unknown, i) => {
      if (i > 0) body.add(',');
      if (!isObject(row)) {
        body.add(json(row) ?? 'null'); // as JSON.stringify writes undefined in an array
        return;
      }
      writeObject(body, row, (k, v) => {
        if (k !== 'item' || !isObject(v)) return false;
        body.addBytes(cachedItem(v));
        return true;
      });
    });
    body.add(']');
    return true;
  });
  return body.bytes();
}
