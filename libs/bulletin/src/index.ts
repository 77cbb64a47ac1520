// @duban/bulletin — the bulletin (通报) as a pure function of its input: draft, render (docx, HTML, Markdown, SVG chart), hash.
export * from './model';
export type { AnnexTable, BulletinDocument, ChartGroup, Paragraph, RowMark, Section } from './document';
export { ANNEX_COLUMNS, BULLETIN_TEMPLATE, citeItemPath, draftBulletin, draftRequirements } from './draft';
export { BulletinInputError, periodKindOf, validateBulletinInput } from './validate';
export type { BulletinPeriodKind } from './validate';
export { bulletinContentHash, canonicalBulletin, documentContentHash, firstDifference } from './hash';
export type { BulletinDifference } from './hash';
export { chineseDate } from './format';
export { renderMarkdown } from './render/markdown';
export { renderHtml } from './render/html';
export { CJK_FONT_FAMILY, renderRankingSvg } from './render/chart';
export { FACES, GBT9704, renderDocx } from './render/docx';
export { fromLeaderboard } from './from-leaderboard';
export { renderBulletin } from './render-bulletin';
export type { RenderedBulletin } from './render-bulletin';
