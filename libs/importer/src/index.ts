/**
 * The importer: from a policy document's text to a proposed ledger (a preview),
 * deterministic and pure (file reading lives in extract.ts only).
 */
export { ImportError } from './errors';
export type { ImportErrorCode } from './errors';
export { extractBytes, extractText, decodeText, TEXT_EXTENSIONS } from './extract';
export { docxToText, MAX_DOCX_XML_BYTES } from './docx';
export type { DocxText } from './docx';
export type { ExtractedText, ExtractOptions, TextEncodingName } from './extract';
export { checkText, normalizeDocNumber, parsePolicyDocument } from './preview';
export type { ParseOptions } from './preview';
export { readDeadline } from './deadline';
export type { DeadlineContext, DeadlineReading } from './deadline';
export { findTargets } from './targets';
export { markerOf } from './outline';
export { SourceText } from './lines';
export { TRADITIONAL_TO_SIMPLIFIED, toSimplified } from './traditional';
export { formatPreview } from './format';
export { PREVIEW_FORMAT } from './types';
export type {
  DeadlineKind,
  FieldSource,
  ImportPreview,
  ItemTarget,
  NamedUnit,
  PreviewDocument,
  PreviewItem,
  PreviewSummary,
  PreviewTable,
  PreviewUnresolved,
  PreviewWarning,
  Recurrence,
  ResponsibilityRole,
  TargetRow,
  UnresolvedRole,
  WarningCode,
  WrittenUnits,
} from './types';
