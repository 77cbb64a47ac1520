import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { ISSUE_URGENCIES, IssueUrgency } from '@duban/domain/issue';
import { ActionDto } from '../common/dto';

export class ReportIssueDto extends ActionDto {
  @ApiProperty({ example: '园区施工许可证办理滞后' })
  @IsString()
  @MaxLength(1000)
  title!: string;

  @ApiProperty({ example: '建规证、施工许可证办理等问题影响园区按期开工。' })
  @IsString()
  @MaxLength(50000)
  description!: string;

  @ApiProperty({ example: '施工许可' })
  @IsString()
  @MaxLength(100)
  category!: string;

  @ApiProperty({ enum: ISSUE_URGENCIES, example: 'urgent', description: 'urgent 紧急 (5 working days), normal 一般 (15), complex 复杂 (30)' })
  @IsIn(ISSUE_URGENCIES as unknown as string[])
  urgency!: IssueUrgency;

  @ApiPropertyOptional({ example: 'park-中牟-01' })
  @IsOptional()
  @IsString()
  @MaxLength(120)
  parkId?: string;

  @ApiPropertyOptional({ description: 'The reporting unit; a unit reports in its own name, a supervisor may record for any unit', example: '中牟县' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  reportingUnit?: string;
}

export class AssignIssueDto extends ActionDto {
  @ApiProperty({ description: 'The responsible unit', example: '中牟县' })
  @IsString()
  @MaxLength(100)
  unitId!: string;

  @ApiPropertyOptional({ description: 'Deadline; by default the urgency in working days after the assignment', example: '2021-05-20T23:59:59+08:00' })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  deadline?: string;
}
