import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Equals, IsBoolean, IsOptional, IsString, Matches, MaxLength } from 'class-validator';

/**
 * The document travels as text in a JSON body, under the api's global body
 * limit of 256 KB (bootstrap.ts): about 85,000 Chinese characters as UTF-8
 * (the seeds are 18–40 KB). A longer document is refused with 413 before any
 * handler runs; import it with `duban import FILE` instead.
 */
export const MAX_TEXT_LENGTH = 200_000;

export class ImportPreviewDto {
  @ApiProperty({
    description: 'The policy document as plain text (what `duban import` reads from a .txt/.md file). The body may not exceed 256 KB.',
    example: '郑州市人民政府办公厅文件\n郑政办〔2021〕34号\n…',
  })
  @IsString()
  @MaxLength(MAX_TEXT_LENGTH)
  text!: string;

  @ApiPropertyOptional({ description: 'The file the text comes from (echoed back, for the record)', example: '郑政办〔2021〕34号.txt' })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  fileName?: string;

  @ApiPropertyOptional({ description: "文号 for a document without one (a draft), or instead of the header's", example: '郑政办〔2022〕5号' })
  @IsOptional()
  @IsString()
  @MaxLength(60)
  docNumber?: string;

  @ApiPropertyOptional({
    description: "Deadline of items that state none: year-end (31 Dec of the document's year, 23:59:59 Asia/Shanghai) or a date YYYY-MM-DD. Without it such items are not registrable.",
    example: 'year-end',
  })
  @IsOptional()
  @IsString()
  @Matches(/^(year-end|\d{4}-\d{2}-\d{2})$/, { message: 'defaultDeadline must be year-end or a date YYYY-MM-DD' })
  defaultDeadline?: string;

  @ApiPropertyOptional({
    description:
      "Effective time of the commands: an ISO 8601 instant with offset (supervisors may back-date), or document (the document's date, 00:00 Asia/Shanghai). Default now; an item whose deadline lies before it is not registrable.",
    example: 'document',
  })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  effectiveAt?: string;

  @ApiPropertyOptional({ description: 'Unit id whose local names are tried first (default: the issuer)', example: '郑州高新区' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  scope?: string;

  @ApiPropertyOptional({ description: 'Write amendments too. There is no amend command yet: they are reported as "amendment not supported yet" and nothing is written.' })
  @IsOptional()
  @IsBoolean()
  acceptAmendments?: boolean;
}

export class ImportCommitDto extends ImportPreviewDto {
  @ApiProperty({ description: 'Must be true: the caller has seen the preview and commits it', example: true })
  @Equals(true, { message: 'confirm must be true: POST /imports/preview first, then commit with confirm: true' })
  confirm!: boolean;
}
