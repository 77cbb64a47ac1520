/**
 * Shared fixtures of the park specs (testing/ is left out of the build). Park names come from seed 000 (郑政办〔2021〕34号
 * (十二)–(十四)); areas and figures are illustrative.
 */
import type { Actor } from '@duban/domain/decider';
import type { ParkCommand, ParkEvent, RegisterPark } from '@duban/domain/park';

export const AIRPORT = '郑州航空港区';
export const GONGYI = '巩义市';
export const SHANGJIE = '上街区';
export const JINSHUI = '金水区';
export const MIIT = '市工信局';

export const supervisor: Actor = { userId: 'li.duban', unitId: '市政府办公厅四处', role: 'supervisor' };
export const auditor: Actor = { userId: 'wang.shenji', unitId: '市审计局', role: 'auditor' };
export const admin: Actor = { userId: 'root', unitId: '市政府办公厅四处', role: 'admin' };
export const staffOf = (unitId: string): Actor => ({ userId: `staff@${unitId}`, unitId, role: 'unit' });

export const PARK_ID = 'park-hkg-001';
export const PARK_NAME = '郑州航空港区智能终端小微企业园';
export const REGISTERED_AT = '2021-05-10T09:00:00+08:00';

export type CommandOf<T extends ParkCommand['type']> = Extract<ParkCommand, { type: T }>;
export type EventOf<T extends ParkEvent['type']> = Extract<ParkEvent, { type: T }>;

export const command = <T extends ParkCommand['type']>(type: T, actor: Actor, at: string, data: CommandOf<T>['data']): CommandOf<T> =>
  ({ type, actor, at, data }) as CommandOf<T>;

export const registerData = (overrides: Partial<RegisterPark['data']> = {}): RegisterPark['data'] => ({
  parkId: PARK_ID,
  name: PARK_NAME,
  district: AIRPORT,
  type: 'manufacturing',
  landUse: 'industrial',
  landAreaMu: 120,
  floorAreaM2: 150_000,
  leadIndustry: '智能终端',
  nonProductionLandPercent: 6,
  nonProductionFloorPercent: 20,
  ...overrides,
});

export const registerPark = (overrides: Partial<RegisterPark['data']> = {}, actor: Actor = staffOf(overrides.district ?? AIRPORT)) =>
  command('RegisterPark', actor, REGISTERED_AT, registerData(overrides));

/** The event RegisterPark produces for registerData(overrides) (plot ratio computed unless declared). */
export const registered = (
  overrides: Partial<RegisterPark['data']> = {},
  plotRatio = 1.875,
): EventOf<'park.registered.v1'> => {
  const { plotRatio: declared, sizeRelaxations, ...data } = registerData(overrides);
  return {
    type: 'park.registered.v1',
    data: {
      ...data,
      plotRatio: declared ?? plotRatio,
      plotRatioSource: declared === undefined ? 'computed' : 'declared',
      sizeRelaxations: sizeRelaxations ?? [],
    },
  };
};
