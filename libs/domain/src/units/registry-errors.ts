/**
 * Refusals of the unit-registry decider (see registry-decider.ts). Typed
 * DomainErrors, so the HTTP layer maps them like every other refusal:
 *
 * - {@link UnitNameTaken}  'conflict' → 409: the id or alias is already a name of
 *   a unit or group (the registry's "duplicate id" / "already used by" rules).
 *   The command was well formed; it collides with what the registry holds now.
 * - {@link UnitNotFound}   'not_found' → 404: AddUnitAlias names a unit that does
 *   not exist (the unit is the resource the request is about).
 * - InvalidCommandData     'invalid' → 422 (from decider/errors): everything else
 *   the registry's validation rejects — unknown parent, unknown kind or ranking
 *   group, an empty name, an alias listed twice, a local alias on a root …
 *
 * SetGroupMembers adds:
 * - {@link UnitGroupNotFound}      'not_found' → 404: no group has this id.
 * - {@link GroupMembersFixed}      'conflict'  → 409: the group's members are fixed by
 *   the registry data (a ranking category, or a member list); only groups the
 *   data names without members (`"members": null`) may be given members.
 * - {@link UnresolvedMemberNames}  'invalid'   → 422: names in `members` that are no
 *   unit (or group with known members) of the registry, each with its index and reason.
 * - InvalidCommandData 422: an empty list, a name that is not a string, the group itself.
 */
import { DomainError } from '../decider/errors';
import type { UnresolvedName } from './unit-registry';

/** What already answers to a name: a unit or a named group, by id. */
export interface NameHolder {
  readonly type: 'unit' | 'group';
  readonly id: string;
  /** How the name belongs to the holder: its id, a global alias, or a local alias inside `scope`. */
  readonly as: 'id' | 'alias' | 'local-alias';
  /** For a local alias: the unit inside which the name is valid. */
  readonly scope?: string;
}

/** The id or alias is already a name in the registry (duplicate unit id, alias used by another unit or a group). */
export class UnitNameTaken extends DomainError {
  readonly kind = 'conflict';
  constructor(
    command: string,
    /** The command field that carries the name: 'id', 'aliases[1]', 'localAliases[0]', 'alias'. */
    readonly field: string,
    /** The name in normal form (not `name`: that is the error class's name). */
    readonly takenName: string,
    readonly takenBy: NameHolder,
  ) {
    super(
      command,
      `${command}.${field}: "${takenName}" is already ${takenBy.as === 'id' ? 'the id' : takenBy.as === 'alias' ? 'an alias' : `a local alias (inside ${takenBy.scope})`} of ${takenBy.type} "${takenBy.id}"`,
    );
  }
}

/** The unit the command is about does not exist (ids only: resolve a name first). */
export class UnitNotFound extends DomainError {
  readonly kind = 'not_found';
  constructor(
    command: string,
    readonly unitId: string,
    /** When `unitId` is not an id but a name of a unit: the id to use instead. */
    readonly didYouMean?: string,
  ) {
    super(command, `${command}: unit "${unitId}" does not exist${didYouMean === undefined ? '' : `; "${unitId}" is a name of "${didYouMean}", use the id`}`);
  }
}

/** The group the command is about does not exist (ids only: a group's alias names the id to use). */
export class UnitGroupNotFound extends DomainError {
  readonly kind = 'not_found';
  constructor(
    command: string,
    readonly groupId: string,
    /** When `groupId` is not an id but a name (alias or local alias) of a group: the id to use instead. */
    readonly didYouMean?: string,
    /** When `groupId` names a unit, not a group: that unit's id. */
    readonly unitId?: string,
  ) {
    super(
      command,
      `${command}: group "${groupId}" does not exist` +
        (didYouMean !== undefined
          ? `; "${groupId}" is a name of group "${didYouMean}", use the id`
          : unitId !== undefined
            ? `; "${groupId}" names the unit "${unitId}", not a group`
            : ''),
    );
  }
}

/** The group's members are fixed by the registry data; they are not set by a command. */
export class GroupMembersFixed extends DomainError {
  readonly kind = 'conflict';
  constructor(
    command: string,
    readonly groupId: string,
    /** How the data defines them: 'category' (the units of a ranking group) or 'listed' (a member list). */
    readonly definedBy: 'category' | 'listed',
    /** The members as they are (unit ids). */
    readonly members: readonly string[],
  ) {
    super(
      command,
      `${command}: the members of group "${groupId}" are fixed by the registry data (` +
        (definedBy === 'category'
          ? `the units whose ranking group is ${groupId}; a new unit joins it through AddUnit's group`
          : 'its member list in zhengzhou-units.json') +
        '); only a group named without members ("members": null) can be given members',
    );
  }
}

/** Names given as members that do not resolve in the registry (nothing is guessed). */
export class UnresolvedMemberNames extends DomainError {
  readonly kind = 'invalid';
  constructor(
    command: string,
    readonly groupId: string,
    /** Each name as given, its index in `members`, and why: 'unknown', or 'group-members-unknown' (a group without members). */
    readonly unresolved: readonly UnresolvedName[],
  ) {
    super(
      command,
      `${command}.members: ${unresolved.length === 1 ? 'a name does' : `${unresolved.length} names do`} not resolve in the unit registry: ` +
        unresolved.map((u) => `"${u.name}" (members[${u.index}], ${u.reason === 'unknown' ? 'no unit or group has this name' : `group "${u.groupId}" has no known members`})`).join(', '),
    );
  }
}

/**
 * A recorded unit-registry event cannot be applied to the registry being
 * rebuilt (the seed file changed since, and contradicts it). Not a refusal: the
 * stream and the seed disagree, and somebody must decide which is right.
 */
export class UnitRegistryReplayError extends Error {
  constructor(
    readonly eventType: string,
    readonly detail: string,
  ) {
    super(`cannot apply ${eventType} to the unit registry (the seed data contradicts the recorded event): ${detail}`);
    this.name = 'UnitRegistryReplayError';
  }
}
