import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsNumber, IsObject, IsOptional, IsString, Matches, MaxLength, ValidateNested } from 'class-validator';
import { TARGET_COMPARATORS, TargetComparator } from '@duban/domain/task';
import { ActionDto } from '../common/dto';

export class TargetDto {
  @ApiProperty({ example: 20 })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  value!: number;

  @ApiProperty({ example: '个' })
  @IsString()
  @MaxLength(20)
  unit!: string;

  @ApiProperty({ enum: TARGET_COMPARATORS, example: '>=', description: '"20个以上" is >= 20' })
  @IsIn(TARGET_COMPARATORS as unknown as string[])
  comparator!: TargetComparator;
}

export class RegisterTaskDto extends ActionDto {
  @ApiPropertyOptional({
    description: 'Task id; by default derived from the document number and item path, so registering the same item twice is refused',
    example: '郑政办〔2021〕34号-一-（三）-1',
  })
  @IsOptional()
  @IsString()
  // \p{Cs}: a lone surrogate cannot be stored as UTF-8 (the store refuses it too); \p{Cc}: control characters
  @Matches(/^[^\s/?#\p{Cc}\p{Cs}]{1,120}$/u, { message: 'taskId must be 1 to 120 characters without spaces, control characters, lone surrogates, /, ? or #' })
  taskId?: string;

  @ApiProperty({ description: '文号 of the source document', example: '郑政办〔2021〕34号' })
  @IsString()
  @MaxLength(100)
  docNumber!: string;

  @ApiPropertyOptional({ example: '郑州市人民政府办公厅关于印发郑州市2021年小微企业园建设工作方案的通知' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  documentTitle?: string;

  @ApiProperty({
    description: 'Item path in the document, stored in the importer\'s form (normalizeItemPath): write every level, as an import shows it',
    example: '一/（三）/1',
  })
  @IsString()
  @MaxLength(100)
  itemPath!: string;

  @ApiProperty({ example: '全年新开工20个以上小微企业园' })
  @IsString()
  @MaxLength(1000)
  title!: string;

  @ApiProperty({ example: '全年新开工20个以上小微企业园，其中各开发区、区县(市)至少新开工1个。' })
  @IsString()
  @MaxLength(50000)
  text!: string;

  @ApiProperty({ type: [String], example: ['市工信局'] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @IsString({ each: true })
  leadUnits!: string[];

  @ApiProperty({ type: [String], example: ['郑州航空港区', '郑东新区', '中牟县'] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(200)
  @IsString({ each: true })
  responsibleUnits!: string[];

  @ApiPropertyOptional({ type: [String], example: ['市人社局'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(200)
  @IsString({ each: true })
  cooperatingUnits?: string[];

  @ApiProperty({ description: '完成时限 as an instant; "2021年4月" is 2021-04-30T23:59:59+08:00', example: '2021-12-31T23:59:59+08:00' })
  @IsString()
  @MaxLength(40)
  deadline!: string;

  @ApiPropertyOptional({ type: TargetDto })
  @IsOptional()
  @IsObject({ message: 'target must be an object' })
  @ValidateNested()
  @Type(() => TargetDto)
  target?: TargetDto;

  @ApiPropertyOptional({ description: '督办 office', example: '市政府办公厅四处' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  supervisingOffice?: string;
}

/**
 * POST /tasks/:taskId/amend: the registration fields a revised document
 * changes. A field left out keeps its value; `documentTitle: null` removes the
 * document title, `target: null` the target. Unit lists are compared as sets.
 */
export class AmendTaskDto extends ActionDto {
  @ApiProperty({ description: 'Why the task is amended (the revising document, a correction)', example: '郑政办〔2021〕40号 修订完成时限' })
  @IsString()
  @MaxLength(1000)
  reason!: string;

  @ApiPropertyOptional({ description: '文号 of the amending document (or the file it comes from)', example: '郑政办〔2021〕40号' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  documentRef?: string;

  @ApiPropertyOptional({ example: '全年新开工25个以上小微企业园' })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  title?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(50000)
  text?: string;

  @ApiPropertyOptional({ description: "The source document's title; null removes it", nullable: true, type: String })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  documentTitle?: string | null;

  @ApiPropertyOptional({ type: [String], example: ['市工信局', '市科技局'] })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @IsString({ each: true })
  leadUnits?: string[];

  @ApiPropertyOptional({
    type: [String],
    description: 'A unit added gets a share (status registered); a unit dropped loses its share, refused (409 ShareHasWork) once its share has work beyond 交办',
    example: ['郑州航空港区', '郑东新区', '中牟县', '巩义市'],
  })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(200)
  @IsString({ each: true })
  responsibleUnits?: string[];

  @ApiPropertyOptional({ type: [String], example: ['市人社局'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(200)
  @IsString({ each: true })
  cooperatingUnits?: string[];

  @ApiPropertyOptional({ description: "The task's 完成时限 (shares already assigned keep their own deadline)", example: '2021-11-30T23:59:59+08:00' })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  deadline?: string;

  @ApiPropertyOptional({ type: TargetDto, nullable: true, description: 'null removes the target' })
  @IsOptional()
  @IsObject({ message: 'target must be an object' })
  @ValidateNested()
  @Type(() => TargetDto)
  target?: TargetDto | null;
}
