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
