import type { Page } from '@duban/projections';

const bigintAsString = (_key: string, value: unknown) => (typeof value === 'bigint' ? value.toString() : value);

/** The JSON of each item object, made once: ItemsQuery hands out the same object for a row until its next commit. */
const itemJson = new WeakMap<object, string>();

function cachedItem(item: object): string {
  let json = itemJson.get(item);
  if (json === undefined) {
    json = JSON.stringify(item, bigintAsString);
    itemJson.set(item, json);
  }
  return json;
}

/** `JSON.stringify(value)` with bigints as strings, and every `item` field taken from the cache. */
function objectJson(value: Record<string, unknown>, inner: (key: string, v: unknown) => string | undefined): string {
  const parts: string[] = [];
  for (const key of Object.keys(value)) {
    const v = value[key];
    if (v === undefined || typeof v === 'function' || typeof v === 'symbol') continue; // as JSON.stringify skips them
    parts.push(`${JSON.stringify(key)}:${inner(key, v) ?? JSON.stringify(v, bigintAsString)}`);
  }
  return `{${parts.join(',')}}`;
}

/**
 * The JSON of a page of inbox entries ({ item, needs, overdue, msToDeadline }),
 * exactly as `JSON.stringify(page)` writes it with bigints as strings, but with
 * each item serialised once while ItemsQuery keeps its page: an inbox is asked
 * again and again between two commits, and its 45 KB of JSON was the api's
 * largest cost under read load. Only `msToDeadline`, `overdue` and `needs` are
 * written per request. Safe for any page shape: a field that is not an item
 * object is serialised as usual.
 */
export function pageJson<T extends object>(page: Page<T>): string {
  return objectJson(page as unknown as Record<string, unknown>, (key, rows) =>
    key === 'rows' && Array.isArray(rows)
      ? `[${rows
          .map((row: unknown) =>
            row !== null && typeof row === 'object' && !Array.isArray(row)
              ? objectJson(row as Record<string, unknown>, (k, v) => (k === 'item' && v !== null && typeof v === 'object' ? cachedItem(v) : undefined))
              : JSON.stringify(row, bigintAsString),
          )
          .join(',')}]`
      : undefined,
  );
}
