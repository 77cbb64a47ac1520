import { DomainError } from '../decider/errors';
import type { TargetProgressSourceKind } from './commands';

/** The same source was recorded already (a re-run of the process that feeds the target). */
export class ProgressAlreadyRecorded extends DomainError {
  readonly kind = 'conflict';
  constructor(
    command: string,
    readonly sourceKind: TargetProgressSourceKind,
    readonly sourceRef: string,
  ) {
    super(command, `${command}: progress from ${sourceKind} ${sourceRef} was recorded already`);
  }
}
