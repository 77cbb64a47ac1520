/**
 * Which units may hold a park, and who may claim the 'urban_idle_land' size
 * relaxation, read from the unit registry's groups (units/zhengzhou-units.json).
 */
import { UnitRegistry } from '../units/unit-registry';

function members(group: string): readonly string[] {
  const list = UnitRegistry.seeded().membersOf(group);
  if (list === null) throw new Error(`the unit registry has no members for ${group}`);
  return list;
}

/** The 16 responsible units 各开发区、区县(市): a park's district is one of them. */
export const PARK_DISTRICTS: readonly string[] = members('各开发区、区县(市)');

/**
 * Seed 001 item 6: "市内五区和开发区利用…闲置用地、低效用地建设的小微企业园" — the four
 * 开发区 and the five central districts (上街区 is not one of the 市内五区; see units/README.md).
 */
export const URBAN_IDLE_LAND_DISTRICTS: readonly string[] = [...members('开发区'), ...members('市内五区')];
