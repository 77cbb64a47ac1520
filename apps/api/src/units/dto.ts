import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsIn, IsOptional, IsString, MaxLength, ValidateIf } from 'class-validator';
import { UNIT_CATEGORIES, UNIT_KINDS } from '@duban/domain/units';
import type { UnitCategory, UnitKind } from '@duban/domain/units';
import { ActionDto } from '../common/dto';

const NAME_MAX = 100;
const ALIASES_MAX = 50;
/** A group holds at most this many members (the registry has a few hundred units). */
const MEMBERS_MAX = 500;

export class AddUnitDto extends ActionDto {
  @ApiProperty({
    description:
      "The unit's id: its canonical Chinese name as the supervision office writes it (a city department in its short 市 form; a zone's own department qualified by the zone's id). Stored in normal form (half-width parentheses, no whitespace).",
    example: '市文化广电和旅游局',
  })
  @IsString()
  @MaxLength(NAME_MAX)
  id!: string;

  @ApiProperty({ enum: UNIT_KINDS, example: 'department' })
  @IsIn(UNIT_KINDS as unknown as string[])
  kind!: UnitKind;

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'The id (not an alias) of the organisation the unit belongs to; null for a new root organisation',
    example: '郑州市人民政府',
  })
  @ValidateIf((o: AddUnitDto) => o.parent !== null)
  @IsString({ message: 'parent must be a unit id, or null for a new root organisation' })
  @MaxLength(NAME_MAX)
  parent!: string | null;

  @ApiPropertyOptional({ enum: UNIT_CATEGORIES, description: 'Ranking group, only for a new responsible unit (开发区 / 县市 / 市内区)' })
  @IsOptional()
  @IsIn(UNIT_CATEGORIES as unknown as string[])
  group?: UnitCategory;

  @ApiPropertyOptional({ type: [String], description: 'Global aliases (official full name, short forms the documents use)', example: ['市文广旅局', '郑州市文化广电和旅游局'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(ALIASES_MAX)
  @IsString({ each: true })
  @MaxLength(NAME_MAX, { each: true })
  aliases?: string[];

  @ApiPropertyOptional({ type: [String], description: "Names valid only inside the parent (a zone's own department: 数据局 inside 郑州高新区)", example: [] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(ALIASES_MAX)
  @IsString({ each: true })
  @MaxLength(NAME_MAX, { each: true })
  localAliases?: string[];

  @ApiPropertyOptional({ example: '2019年机构改革组建' })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  note?: string;
}

export class AddUnitAliasDto extends ActionDto {
  @ApiProperty({ description: 'A global alias (stored in normal form); must not name any other unit or group', example: '市文旅局' })
  @IsString()
  @MaxLength(NAME_MAX)
  alias!: string;
}

export class SetGroupMembersDto extends ActionDto {
  @ApiProperty({
    type: [String],
    description:
      'The members from now on (the list replaces the current one): unit ids or any name of a unit in the registry, resolved exactly (in the group\'s scope when it has one); ' +
      'a group with known members stands for its units. At least one (422 otherwise); every name that does not resolve is listed (422 UnresolvedMemberNames).',
    example: ['郑州高新区', '郑州经开区', '郑州航空港区', '巩义市', '新郑市', '登封市', '中牟县'],
  })
  @IsArray()
  @ArrayMaxSize(MEMBERS_MAX)
  @IsString({ each: true })
  @MaxLength(NAME_MAX, { each: true })
  members!: string[];

  @ApiPropertyOptional({ description: 'Where the list comes from (a document, a decision of the office); recorded in the event', example: '市发展改革委 2019年省级产业集聚区名单' })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  note?: string;
}

export class ResolveNamesDto {
  @ApiProperty({ description: 'A list of units as written in a document (separated by 、，,；;)', example: '市财政局、编办、各开发区' })
  @IsString()
  @MaxLength(20000)
  names!: string;

  @ApiPropertyOptional({ description: 'The unit in whose documents the names are written (its local names are tried first)', example: '郑州高新区' })
  @IsOptional()
  @IsString()
  @MaxLength(NAME_MAX)
  scope?: string;
}
