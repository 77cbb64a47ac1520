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
 */
import { DomainError } from '../decider/errors';

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
