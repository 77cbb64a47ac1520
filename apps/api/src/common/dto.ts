import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsArray, IsNumber, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';

/** Every action may carry its effective time; only supervisors and admins may back-date. */
export class ActionDto {
  @ApiPropertyOptional({
    description:
      'When the action took effect (ISO 8601 with offset). Defaults to now. Only supervisor and admin may give a time in the past (back-filling paper records); it is recorded beside the time the server recorded it.',
    example: '2021-05-06T09:00:00+08:00',
  })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  effectiveAt?: string;
}

export class EvidenceDto {
  @ApiProperty({ description: 'Reference to the evidence (file id, URL, archive number)', example: 'archive://郑州航空港区/2021/05/开工照片-01.jpg' })
  @IsString()
  @MaxLength(1000)
  ref!: string;

  @ApiPropertyOptional({ example: '园区开工现场照片' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  title?: string;

  @ApiPropertyOptional({ description: 'sha256 of the evidence, hex', example: 'a3f1…' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  sha256?: string;
}

export class MetricValueDto {
  @ApiProperty({ example: '新开工小微企业园' })
  @IsString()
  @MaxLength(200)
  metric!: string;

  @ApiProperty({ example: 3 })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  value!: number;

  @ApiPropertyOptional({ example: '个' })
  @IsOptional()
  @IsString()
  @MaxLength(20)
  unit?: string;
}

export class ProgressDto extends ActionDto {
  @ApiProperty({ minimum: 0, maximum: 100, example: 60 })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  percent!: number;

  @ApiProperty({ example: '已完成土地摘牌，3个园区已开工建设。' })
  @IsString()
  @MaxLength(20000)
  narrative!: string;

  @ApiPropertyOptional({ type: [MetricValueDto] })
  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => MetricValueDto)
  metricValues?: MetricValueDto[];

  @ApiPropertyOptional({ type: [EvidenceDto] })
  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => EvidenceDto)
  evidence?: EvidenceDto[];
}

export class SubmitDto extends ActionDto {
  @ApiProperty({ example: '全年新开工小微企业园22个，超额完成任务。' })
  @IsString()
  @MaxLength(20000)
  summary!: string;

  @ApiProperty({ type: [EvidenceDto] })
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => EvidenceDto)
  evidence!: EvidenceDto[];
}

export class ReasonDto extends ActionDto {
  @ApiProperty({ example: '佐证材料不全，请补充开工许可证复印件。' })
  @IsString()
  @MaxLength(5000)
  reason!: string;
}

export class ReopenDto extends ReasonDto {
  @ApiPropertyOptional({ description: 'A new deadline for the reopened item', example: '2021-12-31T23:59:59+08:00' })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  deadline?: string;
}

export class ExtensionRequestDto extends ActionDto {
  @ApiProperty({ example: '2021-06-30T23:59:59+08:00' })
  @IsString()
  @MaxLength(40)
  requestedDeadline!: string;

  @ApiProperty({ example: '受汛期影响，施工许可办理延后。' })
  @IsString()
  @MaxLength(5000)
  reason!: string;
}

export class GrantExtensionDto extends ActionDto {
  @ApiPropertyOptional({ description: 'The granted deadline; defaults to the requested one', example: '2021-06-30T23:59:59+08:00' })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  deadline?: string;
}

export class DeadlineDto extends ActionDto {
  @ApiPropertyOptional({ description: 'Deadline (ISO 8601 with offset)', example: '2021-04-30T23:59:59+08:00' })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  deadline?: string;
}

export class NoteDto extends ActionDto {
  @ApiProperty({ example: '市人社局已协调用工培训补贴政策。' })
  @IsString()
  @MaxLength(20000)
  note!: string;
}
