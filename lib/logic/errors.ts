/**
 * Errors of the logic language: every failure names what went wrong, where (a 0-based offset
 * into the logic text) and carries a stable `code` for programs to branch on.
 *
 * @module
 */

/** Stable codes of {@linkcode LogicError}s. */
export type LogicErrorCode =
  | "syntax"
  | "unknown_function"
  | "arity"
  | "unknown_field"
  | "unknown_event"
  | "unknown_smart_variable";

/** Base class of every error raised while parsing, checking or evaluating REDCap logic. */
export class LogicError extends Error {
  /** The error class name, `LogicError`. */
  override name = "LogicError";
  /** What kind of problem this is. */
  readonly code: LogicErrorCode;
  /** 0-based offset into the logic text where the problem starts. */
  readonly position: number;
  /** The problem without the position prefix. */
  readonly detail: string;
  /** Builds an error; the message reads `<detail> at character <position + 1>`. */
  constructor(code: LogicErrorCode, detail: string, position: number, options?: ErrorOptions) {
    super(`${detail} at character ${position + 1}`, options);
    this.code = code;
    this.position = position;
    this.detail = detail;
  }
}

/** The text is not valid logic: an unexpected token, an unclosed string or bracket. */
export class LogicSyntaxError extends LogicError {
  /** The error class name, `LogicSyntaxError`. */
  override name = "LogicSyntaxError";
  /** Builds a syntax error (code `"syntax"`). */
  constructor(detail: string, position: number) {
    super("syntax", detail, position);
  }
}

/** A call names a function REDCap does not have, or passes the wrong number of arguments. */
export class LogicFunctionError extends LogicError {
  /** The error class name, `LogicFunctionError`. */
  override name = "LogicFunctionError";
  /** The function as written. */
  readonly functionName: string;
  /** Builds a function error (code `"unknown_function"` or `"arity"`). */
  constructor(
    code: "unknown_function" | "arity",
    functionName: string,
    detail: string,
    position: number,
  ) {
    super(code, detail, position);
    this.functionName = functionName;
  }
}

/** A reference names a field, event or smart variable the project does not have. */
export class LogicReferenceError extends LogicError {
  /** The error class name, `LogicReferenceError`. */
  override name = "LogicReferenceError";
  /** The name that could not be resolved. */
  readonly reference: string;
  /** Builds a reference error. */
  constructor(
    code: "unknown_field" | "unknown_event" | "unknown_smart_variable",
    reference: string,
    detail: string,
    position: number,
  ) {
    super(code, detail, position);
    this.reference = reference;
  }
}
