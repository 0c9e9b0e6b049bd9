// Errors that mean "the user's input or machine is wrong": the CLI prints their message on one line
// (no stack trace) and exits non-zero. Anything else is a bug and keeps its stack under XLT_DEBUG=1.
export class XltError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "XltError";
  }
}

const USER_ERRORS = new Set(["XltError", "GpuError", "SafetensorsError", "CheckpointError", "TokenizerError", "WordsError", "TaskDataError"]);

export function isUserError(e: unknown): boolean {
  return e instanceof Error && (USER_ERRORS.has(e.name) || USER_ERRORS.has(e.constructor?.name));
}
