/** Base class of the runner's errors. */
export class ProjectionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** Where one projection stood when a wait gave up. */
export interface LaggingProjection {
  readonly name: string;
  /** Global position of the last event it has committed (0n: none). */
  readonly checkpoint: bigint;
  readonly state: string;
  /** The error of its last failed batch, if it is failing. */
  readonly lastError: string | null;
}

/** `waitFor(position, timeoutMs)` gave up: `lagging` names the projections still behind `position`. */
export class ProjectionWaitTimeoutError extends ProjectionError {
  constructor(
    readonly position: bigint,
    readonly timeoutMs: number,
    readonly lagging: readonly LaggingProjection[],
  ) {
    super(
      `read models did not reach position ${position} within ${timeoutMs} ms: ` +
        lagging
          .map((p) => `${p.name} is at ${p.checkpoint} (${p.state}${p.lastError ? `, last error: ${p.lastError}` : ''})`)
          .join('; '),
    );
  }
}

/** The runner stopped while a caller was waiting on it (waitFor, rebuild). */
export class ProjectionRunnerStoppedError extends ProjectionError {
  constructor(what: string) {
    super(`the projection runner stopped before ${what}`);
  }
}

export class UnknownProjectionError extends ProjectionError {
  constructor(
    readonly projection: string,
    known: readonly string[],
  ) {
    super(`no projection named ${projection} (known: ${known.join(', ') || 'none'})`);
  }
}

/** A projection definition the runner refuses (bad name, version, schema, or a table owned twice). */
export class InvalidProjectionError extends ProjectionError {}

/**
 * The stored checkpoint moved under this runner (another process runs a
 * runner on the same read-model file). The batch was rolled back; the runner
 * resumes from the stored checkpoint, so nothing is applied twice.
 */
export class CheckpointConflictError extends ProjectionError {
  constructor(
    readonly projection: string,
    readonly expected: bigint,
    readonly actual: bigint | null,
  ) {
    super(`projection ${projection}: checkpoint expected at ${expected}, found ${actual ?? 'none'} (another runner on this file?)`);
  }
}

/** The stored version differs from this process's projection (an older or newer build shares the file). */
export class ProjectionVersionConflictError extends ProjectionError {
  constructor(
    readonly projection: string,
    readonly expected: number,
    readonly actual: number | null,
  ) {
    super(`projection ${projection}: this process runs version ${expected}, the read-model file holds ${actual ?? 'none'}`);
  }
}
