import type { BulletinDocument } from './document';
import { draftBulletin } from './draft';
import { documentContentHash } from './hash';
import type { BulletinInput } from './model';
import { renderRankingSvg } from './render/chart';
import { renderDocx } from './render/docx';
import { renderHtml } from './render/html';
import { renderMarkdown } from './render/markdown';

export interface RenderedBulletin {
  readonly document: BulletinDocument;
  /** sha256 of the canonical form (what a publish event records; see bulletinContentHash). */
  readonly contentHash: string;
  readonly markdown: string;
  readonly html: string;
  readonly svg: string;
  readonly docx: Buffer;
}

/** Drafts once and renders every form from that one document. */
export async function renderBulletin(input: BulletinInput): Promise<RenderedBulletin> {
  const document = draftBulletin(input);
  return {
    document,
    contentHash: documentContentHash(document),
    markdown: renderMarkdown(document),
    html: renderHtml(document),
    svg: renderRankingSvg(document),
    docx: await renderDocx(document, input.issuedAt),
  };
}
