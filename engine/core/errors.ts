/**
 * The one error class of Foresight. `code` is stable and machine-readable,
 * `field` names the offending input (a JSON path, CSV column or config key)
 * so callers can point the user at the fix.
 */
export class ForesightError extends Error {
  readonly code: string;
  readonly field?: string;
  readonly details?: unknown;

  constructor(code: string, message: string, opts: { field?: string; cause?: unknown; details?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'ForesightError';
    this.code = code;
    this.field = opts.field;
    this.details = opts.details;
  }

  toJSON(): { code: string; message: string; field?: string } {
    return { code: this.code, message: this.message, ...(this.field ? { field: this.field } : {}) };
  }
}

/** A node's `run` threw: carries where it happened so the run can be marked failed with context. */
export class NodeRunError extends ForesightError {
  constructor(readonly runId: number, readonly nodeId: string, cause: unknown) {
    super('node_failed', `node "${nodeId}" failed in run ${runId}: ${errorMessage(cause)}`, { cause });
  }
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
