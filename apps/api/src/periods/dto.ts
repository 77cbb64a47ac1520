import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Matches, Max, Min } from 'class-validator';
import type { PeriodKind } from '@duban/projections/figures/period';
import { PERIOD_KINDS } from '@duban/projections/figures/period';

export class PeriodsListDto {
  @ApiPropertyOptional({ enum: PERIOD_KINDS, description: 'month | quarter | half | year; default every kind', example: 'month' })
  @IsOptional()
  @IsIn(PERIOD_KINDS as unknown as string[], { message: `kind must be one of ${PERIOD_KINDS.join(', ')}` })
  kind?: PeriodKind;

  @ApiProperty({ minimum: 2000, maximum: 2100, example: 2021 })
  @Type(() => Number)
  @IsInt({ message: 'year must be a whole number' })
  @Min(2000)
  @Max(2100)
  year!: number;
}

export class PeriodViewDto {
  @ApiPropertyOptional({
    description: 'What-if: the close under another scoring rule (e.g. duban-score-v1), at the position of the latest close; a preview that writes nothing.',
    example: 'duban-score-v1',
  })
  @IsOptional()
  @Matches(/^[a-z][a-z0-9-]*-v\d{1,6}$/, { message: 'rule must be written like duban-score-v1' })
  rule?: string;
}

export const BULLETIN_FORMATS = ['md', 'html', 'docx', 'json'] as const;
export type BulletinFormat = (typeof BULLETIN_FORMATS)[number];

export class BulletinQueryDto {
  @ApiPropertyOptional({ enum: BULLETIN_FORMATS, description: 'md (default, text/markdown), html, docx, or json (the hash, anchor and publications, no text)', example: 'docx' })
  @IsOptional()
  @IsIn(BULLETIN_FORMATS as unknown as string[], { message: `format must be one of ${BULLETIN_FORMATS.join(', ')}` })
  format?: BulletinFormat;

  @ApiPropertyOptional({ description: 'the close revision (default: the latest; for a unit, the latest published)', example: 1 })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'revision must be a whole number' })
  @Min(1, { message: 'revision must be 1 or more' })
  revision?: number;
}

export class PublishBulletinDto {
  @ApiPropertyOptional({ description: 'the close revision to publish (default: the latest)', example: 1 })
  @IsOptional()
  @IsInt({ message: 'revision must be a whole number' })
  @Min(1, { message: 'revision must be 1 or more' })
  revision?: number;

  @ApiPropertyOptional({ description: 'the bulletin this one corrects (a published bulletin never changes)', example: '2021-05#1' })
  @IsOptional()
  @Matches(/^\d{4}(-(0[1-9]|1[0-2])|-Q[1-4]|-H[12])?#[1-9]\d{0,5}$/, { message: 'corrects must name a bulletin like 2021-05#1' })
  corrects?: string;
}
