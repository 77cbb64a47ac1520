/**
 * One written form of an item path ("which numbered item of the document"), so
 * a task registered by hand and the same item imported get the same task id
 * (taskIdFor(docNumber, path)). The canonical form is the importer's
 * (libs/importer README "Item paths"): one segment per outline level, outermost
 * first, joined by "/"; a segment is the item's number without its punctuation,
 * a parenthesised number in full-width parentheses.
 *
 *   "一/(三)/1."  "一 / （三） / 1、"  "一/（三）/1"  →  "一/（三）/1"
 *
 * It does not guess levels that are not written: "三/1" stays "三/1" (the
 * importer always includes the top-level section: 一/（三）/1).
 */
export function normalizeItemPath(path: string): string {
  return path
    .normalize('NFC')
    .split(/[/／]/)
    .map((segment) =>
      segment
        .replace(/\s+/g, '')
        .replace(/\(/g, '（')
        .replace(/\)/g, '）')
        .replace(/[.．、。,，:：]+$/u, ''),
    )
    .filter((segment) => segment !== '')
    .join('/');
}
