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
