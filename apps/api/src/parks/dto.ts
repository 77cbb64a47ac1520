import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsInt, IsNumber, IsObject, IsOptional, IsString, Matches, MaxLength, ValidateNested } from 'class-validator';
import { PARK_LAND_USES, PARK_MILESTONES, PARK_TYPES, SIZE_RELAXATIONS } from '@duban/domain/park';
import type { ParkLandUse, ParkMilestone, ParkType, SizeRelaxation } from '@duban/domain/park';
import { ActionDto } from '../common/dto';

/*
 * Shapes and types are checked here (400); ranges and business rules — areas > 0,
 * percentages 0–100, integer counts, 专精特新 ≤ 入园企业, one of the 16 districts,
 * dates not after the effective day — are the decider's (422 naming the field).
 */

const NUMBER = { allowNaN: false, allowInfinity: false } as const;

export class RegisterParkDto extends ActionDto {
  @ApiPropertyOptional({
    description: 'Park id; by default one is generated (stable across retries with the same Idempotency-Key). No spaces, /, ?, # or :',
    example: 'park-hkg-001',
  })
  @IsOptional()
  @IsString()
  @Matches(/^[^\s/?#:\p{Cc}\p{Cs}]{1,120}$/u, { message: 'parkId must be 1 to 120 characters without spaces, control characters, lone surrogates, /, ?, # or :' })
  parkId?: string;

  @ApiProperty({ example: '郑州航空港区智能终端小微企业园' })
  @IsString()
  @MaxLength(200)
  name!: string;

  @ApiProperty({ description: '所在开发区、区县(市): one of the 16 responsible units, by unit id', example: '郑州航空港区' })
  @IsString()
  @MaxLength(100)
  district!: string;

  @ApiProperty({ enum: PARK_TYPES, example: 'manufacturing', description: 'manufacturing 生产制造类 / producer_services 生产性服务类' })
  @IsIn(PARK_TYPES as unknown as string[])
  type!: ParkType;

  @ApiProperty({ enum: PARK_LAND_USES, example: 'industrial', description: 'industrial 工业用地 / other 其他用地' })
  @IsIn(PARK_LAND_USES as unknown as string[])
  landUse!: ParkLandUse;

  @ApiProperty({ description: '占地面积 (亩)', example: 120 })
  @IsNumber(NUMBER)
  landAreaMu!: number;

  @ApiProperty({ description: '建筑面积 (m²)', example: 150000 })
  @IsNumber(NUMBER)
  floorAreaM2!: number;

  @ApiPropertyOptional({ description: '容积率 as approved; computed from the areas when left out', example: 1.9 })
  @IsOptional()
  @IsNumber(NUMBER)
  plotRatio?: number;

  @ApiProperty({ description: '主导产业', example: '智能终端' })
  @IsString()
  @MaxLength(200)
  leadIndustry!: string;

  @ApiProperty({ description: '非生产性用房占地面积占工业用地面积的比例 (%)', example: 6 })
  @IsNumber(NUMBER)
  nonProductionLandPercent!: number;

  @ApiProperty({ description: '非生产性用房建筑面积占总建筑面积的比例 (%)', example: 20 })
  @IsNumber(NUMBER)
  nonProductionFloorPercent!: number;

  @ApiPropertyOptional({
    enum: SIZE_RELAXATIONS,
    isArray: true,
    example: ['park_in_park'],
    description: '规模要求适当降低的依据: urban_idle_land 利用闲置用地、低效用地 (市内五区和开发区), park_in_park 园中园, renovation 改扩建',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(3)
  @IsIn(SIZE_RELAXATIONS as unknown as string[], { each: true })
  sizeRelaxations?: SizeRelaxation[];
}

export class MilestoneDto extends ActionDto {
  @ApiProperty({
    enum: PARK_MILESTONES,
    example: 'construction_started',
    description: 'land_supplied 供地 → construction_started 开工 → completed 竣工 → occupied 入驻 → in_production 达产, in this order',
  })
  @IsIn(PARK_MILESTONES as unknown as string[])
  milestone!: ParkMilestone;

  @ApiProperty({ description: 'The date (YYYY-MM-DD, Beijing), not after the effective day', example: '2021-06-18' })
  @IsString()
  @MaxLength(20)
  date!: string;
}

export class EnterpriseTaxDto {
  @ApiProperty({ example: '郑州某电子科技有限公司' })
  @IsString()
  @MaxLength(200)
  name!: string;

  @ApiPropertyOptional({ description: '统一社会信用代码', example: '91410100MA44XXXX1X' })
  @IsOptional()
  @IsString()
  @MaxLength(18)
  creditCode?: string;

  @ApiProperty({ description: '亩均税收 (万元/亩, annual basis)', example: 0.8 })
  @IsNumber(NUMBER)
  taxPerMuWan!: number;
}

/** The figures of a 月报 without its month (a correction takes the month from the report it corrects). */
export class ReportFiguresDto extends ActionDto {
  @ApiProperty({ description: '累计完成投资 (万元)', example: 32000 })
  @IsNumber(NUMBER)
  cumulativeInvestmentWan!: number;

  @ApiProperty({ description: '入园企业数 (家)', example: 86 })
  @IsNumber(NUMBER)
  enterpriseCount!: number;

  @ApiProperty({ description: '其中专精特新企业 (家)', example: 6 })
  @IsNumber(NUMBER)
  specializedCount!: number;

  @ApiProperty({ description: '其中科技型企业 (家)', example: 21 })
  @IsNumber(NUMBER)
  techCount!: number;

  @ApiProperty({ description: '园区亩均税收 (万元/亩)', example: 12.5 })
  @IsNumber(NUMBER)
  taxPerMuWan!: number;

  @ApiPropertyOptional({ type: [EnterpriseTaxDto], description: '入园企业亩均税收 (each enterprise once); those at 1万元/亩 or below become issues (整改)' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(2000)
  @ValidateNested({ each: true })
  @Type(() => EnterpriseTaxDto)
  enterpriseTaxes?: EnterpriseTaxDto[];
}

export class MonthlyReportDto extends ReportFiguresDto {
  @ApiProperty({ example: 2021 })
  @IsInt()
  year!: number;

  @ApiProperty({ minimum: 1, maximum: 12, example: 6 })
  @IsInt()
  month!: number;
}

export class CorrectionDto extends ReportFiguresDto {
  @ApiProperty({ description: '更正原因', example: '入园企业数统计口径有误，按工商登记更正' })
  @IsString()
  @MaxLength(2000)
  reason!: string;
}

export class CertifyDto extends ActionDto {
  @ApiPropertyOptional({ description: '认定文号', example: '郑工信〔2021〕58号' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  docNumber?: string;
}

export class StarsDto extends CertifyDto {
  @ApiProperty({ enum: [1, 2, 3], example: 2, description: '星级; first award 50/80/100 万元, an upgrade pays the difference' })
  @IsInt()
  stars!: number;
}

export class SourceDocumentDto {
  @ApiProperty({ description: '文号', example: '郑政办〔2021〕34号' })
  @IsString()
  @MaxLength(100)
  docNumber!: string;

  @ApiPropertyOptional({ example: '郑州市2021年小微企业园高质量发展工作要点' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  title?: string;

  @ApiPropertyOptional({ example: '附件' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  annex?: string;
}

export class SetTargetDto extends ActionDto {
  @ApiProperty({ description: 'The responsible unit', example: '郑州航空港区' })
  @IsString()
  @MaxLength(100)
  unitId!: string;

  @ApiProperty({ example: 2021 })
  @IsInt()
  year!: number;

  @ApiProperty({ description: 'The metric as the table names it', example: '集聚入园企业' })
  @IsString()
  @MaxLength(200)
  metric!: string;

  @ApiProperty({ description: 'The target (at least)', example: 200 })
  @IsNumber(NUMBER)
  value!: number;

  @ApiProperty({ description: '计量单位', example: '家' })
  @IsString()
  @MaxLength(20)
  unitOfMeasure!: string;

  @ApiProperty({ type: SourceDocumentDto })
  @IsObject({ message: 'sourceDocument must be an object { docNumber, title?, annex? }' }) // also when missing: ValidateNested alone lets that through
  @ValidateNested()
  @Type(() => SourceDocumentDto)
  sourceDocument!: SourceDocumentDto;
}

/** Progress kinds a client may record; park_report / park_milestone are the park rules processor's. */
export const CLIENT_PROGRESS_SOURCES = ['manual', 'task_progress'] as const;

export class ProgressSourceDto {
  @ApiProperty({ enum: CLIENT_PROGRESS_SOURCES, example: 'task_progress' })
  @IsIn(CLIENT_PROGRESS_SOURCES as unknown as string[])
  kind!: (typeof CLIENT_PROGRESS_SOURCES)[number];

  @ApiProperty({ description: 'What the figure comes from; each source is counted once', example: '郑政办〔2021〕34号-三-2/郑州航空港区/三季度' })
  @IsString()
  @MaxLength(300)
  ref!: string;
}

export class TargetProgressDto extends ActionDto {
  @ApiProperty({ description: "The unit's cumulative figure as of the effective time (not an increment)", example: 150 })
  @IsNumber(NUMBER)
  value!: number;

  @ApiPropertyOptional({ type: ProgressSourceDto, description: 'Default: a manual entry, identified by the request (Idempotency-Key)' })
  @IsOptional()
  @IsObject({ message: 'source must be an object { kind, ref }' })
  @ValidateNested()
  @Type(() => ProgressSourceDto)
  source?: ProgressSourceDto;

  @ApiPropertyOptional({ example: '三季度督查核实数' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  note?: string;
}
