/**
 * An exception that only leaves a computation early ("not supported here", "not a real number"): thousands are
 * thrown and caught while checking a long note, so none captures a stack trace (that was ~10 % of a check).
 */
export class QuietError extends Error {
  constructor(message?: string) {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
      super(message);
    } finally {
      Error.stackTraceLimit = limit;
    }
    this.name = new.target.name;
  }
}
