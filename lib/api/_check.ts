/**
 * Local checks of API options, run before anything is sent: REDCap silently replaces many
 * invalid values (e.g. `rawOrLabel=both` becomes `raw`), so the client refuses them instead.
 *
 * @module
 */

/** Throws a TypeError naming any option not in `allowed` (a typo would be silently ignored). */
export function checkKeys(action: string, options: object, allowed: readonly string[]): void {
  if (options === null || typeof options !== "object") {
    throw new TypeError(`Cannot ${action}: options must be an object`);
  }
  for (const key of Object.keys(options)) {
    if (!allowed.includes(key)) {
      throw new TypeError(
        `Cannot ${action}: unknown option "${key}" (known: ${allowed.join(", ")})`,
      );
    }
  }
}

/** One of a fixed set of strings, or undefined. */
export function checkOneOf<T extends string>(
  action: string,
  name: string,
  value: unknown,
  allowed: readonly T[],
): T | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "string" || !allowed.includes(value as T)) {
    throw new RangeError(
      `Cannot ${action}: "${name}" must be ${allowed.map((a) => `"${a}"`).join(" or ")}, got ${
        typeof value === "string" ? `"${value}"` : typeof value
      }`,
    );
  }
  return value as T;
}

/** A boolean, or undefined. */
export function checkBoolean(action: string, name: string, value: unknown): boolean | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "boolean") {
    throw new TypeError(`Cannot ${action}: "${name}" must be a boolean, got ${typeof value}`);
  }
  return value;
}

/** A non-blank string, or undefined. */
export function checkString(
  action: string,
  name: string,
  value: unknown,
  { allowBlank = false } = {},
): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "string") {
    throw new TypeError(`Cannot ${action}: "${name}" must be a string, got ${typeof value}`);
  }
  if (!allowBlank && value.trim() === "") {
    throw new RangeError(`Cannot ${action}: "${name}" is blank`);
  }
  return value;
}

/** A required non-blank string (numbers accepted as their text, for record names). */
export function requireString(action: string, name: string, value: unknown): string {
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  const text = checkString(action, name, value);
  if (text === undefined) throw new TypeError(`Cannot ${action}: "${name}" is required`);
  return text;
}

/** A list of non-blank strings (numbers accepted), or undefined. Empty lists are refused. */
export function checkList(action: string, name: string, value: unknown): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) {
    throw new TypeError(`Cannot ${action}: "${name}" must be an array of strings`);
  }
  if (value.length === 0) {
    throw new RangeError(
      `Cannot ${action}: "${name}" is empty (REDCap would treat it as "all"); leave it out instead`,
    );
  }
  return value.map((item, i) => {
    if (typeof item === "number" && Number.isFinite(item)) return String(item);
    if (typeof item !== "string" || item.trim() === "") {
      throw new TypeError(`Cannot ${action}: "${name}[${i}]" must be a non-blank string`);
    }
    return item;
  });
}

/** An integer within bounds, or undefined. */
export function checkInteger(
  action: string,
  name: string,
  value: unknown,
  min = 1,
  max = Number.MAX_SAFE_INTEGER,
): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(
      `Cannot ${action}: "${name}" must be an integer from ${min} to ${max}, got ${String(value)}`,
    );
  }
  return value;
}

const pad = (n: number) => String(n).padStart(2, "0");

/**
 * A timestamp as REDCap wants it: `YYYY-MM-DD HH:MM:SS` (or `YYYY-MM-DD HH:MM` with
 * `seconds: false`). Accepts such a string, a date alone, or a `Date` (its local time, as REDCap
 * reads server time).
 */
export function checkTimestamp(
  action: string,
  name: string,
  value: unknown,
  { seconds = true } = {},
): string | undefined {
  if (value === undefined) return undefined;
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) {
      throw new RangeError(`Cannot ${action}: "${name}" is an invalid Date`);
    }
    const base = `${value.getFullYear()}-${pad(value.getMonth() + 1)}-${pad(value.getDate())} ` +
      `${pad(value.getHours())}:${pad(value.getMinutes())}`;
    return seconds ? `${base}:${pad(value.getSeconds())}` : base;
  }
  const text = typeof value === "string" ? value.trim() : undefined;
  const pattern = seconds
    ? /^\d{4}-\d{2}-\d{2}( \d{2}:\d{2}(:\d{2})?)?$/
    : /^\d{4}-\d{2}-\d{2}( \d{2}:\d{2})?$/;
  if (text === undefined || !pattern.test(text)) {
    throw new RangeError(
      `Cannot ${action}: "${name}" must be a Date or "YYYY-MM-DD HH:MM${seconds ? ":SS" : ""}"`,
    );
  }
  return text;
}
