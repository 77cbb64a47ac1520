import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { ValidationArguments, ValidatorConstraintInterface } from 'class-validator';
import { Equals, IsBase64, IsBoolean, IsString, Matches, MaxLength, Validate, ValidateIf, ValidatorConstraint } from 'class-validator';

/**
 * The document travels in a JSON body, under the api's global body limit of
 * 256 KB (bootstrap.ts), either as text — about 85,000 Chinese characters as
 * UTF-8 (the seeds are 18–40 KB) — or as a .docx file, base64-encoded: at most
 * 256 KB of base64, a .docx of about 190 KB. A larger body is refused with 413
 * before any handler runs, and so is a .docx whose text is longer than
 * MAX_TEXT_LENGTH; import such a document with `duban import FILE` instead.
 */
export const MAX_TEXT_LENGTH = 200_000;
export const MAX_DOCX_BASE64_LENGTH = 256 * 1024;

/**
 * Optional, but not nullable: class-validator's IsOptional also lets `null`
 * through, which then reached the importer (`"docNumber": null` → 500). An
 * absent field is skipped; `null` is validated like any value and refused
 * with 400 naming the field ("docNumber must be a string").
 */
const OptionalNotNull = (): PropertyDecorator => ValidateIf((_dto: object, value: unknown) => value !== undefined);

/** Exactly one of `text` and `docxBase64`. */
@ValidatorConstraint({ name: 'oneDocument' })
export class OneDocument implements ValidatorConstraintInterface {
  validate(_value: unknown, args: ValidationArguments): boolean {
    const dto = args.object as ImportPreviewDto;
    return (dto.text === undefined) !== (dto.docxBase64 === undefined);
  }

  defaultMessage(): string {
    return 'give the document as exactly one of text (plain text) and docxBase64 (a .docx file, base64-encoded)';
  }
}

export class ImportPreviewDto {
  @ApiPropertyOptional({
    description:
      'The policy document as plain text (what `duban import` reads from a .txt/.md file). Exactly one of text and docxBase64. The body may not exceed 256 KB.',
    example: '郑州市人民政府办公厅文件\n郑政办〔2021〕34号\n…',
  })
  // validated when given, and when docxBase64 is not (then it is missing: one of the two is required)
  @ValidateIf((dto: ImportPreviewDto) => dto.text !== undefined || dto.docxBase64 === undefined)
  @IsString()
  @MaxLength(MAX_TEXT_LENGTH)
  @Validate(OneDocument)
  text?: string;

  @ApiPropertyOptional({
    description:
      'The policy document as a .docx file (Word 2007+), base64-encoded: read as `duban import FILE.docx` reads it (paragraphs as lines, table rows as ' +
      'tab-separated cells). Exactly one of text and docxBase64. The body may not exceed 256 KB.',
    example: 'UEsDBBQABgAIAAAAIQ…',
  })
  @OptionalNotNull()
  @IsBase64()
  @MaxLength(MAX_DOCX_BASE64_LENGTH)
  docxBase64?: string;

  @ApiPropertyOptional({ description: 'The file the document comes from (echoed back, for the record; error messages about a .docx name it)', example: '郑政办〔2021〕34号.docx' })
  @OptionalNotNull()
  @IsString()
  @MaxLength(255)
  fileName?: string;

  @ApiPropertyOptional({ description: "文号 for a document without one (a draft), or instead of the header's", example: '郑政办〔2022〕5号' })
  @OptionalNotNull()
  @IsString()
  @MaxLength(60)
  docNumber?: string;

  @ApiPropertyOptional({
    description: "Deadline of items that state none: year-end (31 Dec of the document's year, 23:59:59 Asia/Shanghai) or a date YYYY-MM-DD. Without it such items are not registrable.",
    example: 'year-end',
  })
  @OptionalNotNull()
  @IsString()
  @Matches(/^(year-end|\d{4}-\d{2}-\d{2})$/, { message: 'defaultDeadline must be year-end or a date YYYY-MM-DD' })
  defaultDeadline?: string;

  @ApiPropertyOptional({
    description:
      "Effective time of the commands: an ISO 8601 instant with offset (supervisors may back-date), or document (the document's date, 00:00 Asia/Shanghai). Default now; an item whose deadline lies before it is not registrable.",
    example: 'document',
  })
  @OptionalNotNull()
  @IsString()
  @MaxLength(40)
  effectiveAt?: string;

  @ApiPropertyOptional({ description: 'Unit id whose local names are tried first (default: the issuer)', example: '郑州高新区' })
  @OptionalNotNull()
  @IsString()
  @MaxLength(100)
  scope?: string;

  @ApiPropertyOptional({
    description:
      'Write amendments too: an item already registered with other content is amended (AmendTask → task.amended.v1: the changed fields, old and new, ' +
      'reason "re-import of <文号> (<fileName>)"), an annex row already set with another figure is revised (ReviseTarget → target.revised.v1). ' +
      'Amendments the domain refuses (a closed task, a unit whose share has work on it) are reported, not written. Without it amendments are only shown.',
  })
  @OptionalNotNull()
  @IsBoolean()
  acceptAmendments?: boolean;
}

export class ImportCommitDto extends ImportPreviewDto {
  @ApiProperty({ description: 'Must be true: the caller has seen the preview and commits it', example: true })
  @Equals(true, { message: 'confirm must be true: POST /imports/preview first, then commit with confirm: true' })
  confirm!: boolean;
}
