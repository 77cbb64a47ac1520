import { DomainError } from '../decider/errors';

/** The command names a unit that has no share in this task. */
export class UnknownShare extends DomainError {
  readonly kind = 'not_found';
  constructor(
    command: string,
    readonly taskId: string,
    readonly unitId: string,
  ) {
    super(command, `task ${taskId} has no share for unit ${unitId}`);
  }
}

/**
 * AmendTask would drop a responsible unit whose share has work on it. A share
 * may be dropped only while nothing beyond its registration and its 交办 is
 * recorded on it: status registered or assigned, no note, no extension pending
 * or granted (a request already refused leaves nothing in the share's state
 * and does not count). `work` says what is recorded ("status in_progress",
 * "1 note").
 */
export class ShareHasWork extends DomainError {
  readonly kind = 'conflict';
  constructor(
    command: string,
    readonly taskId: string,
    readonly unitId: string,
    readonly shareStatus: string,
    readonly work: readonly string[],
  ) {
    super(command, `${command}: responsible unit ${unitId} cannot be removed from task ${taskId}: its share has work on it (${work.join(', ')})`);
  }
}
