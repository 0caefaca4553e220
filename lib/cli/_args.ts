/**
 * Command-line argument parsing for the CLI: `--name value`, `--name=value` and boolean
 * flags, with one clear error per mistake.
 *
 * @module
 */

/** A mistake in the command line: the CLI prints its message and exits with code 2. */
export class UsageError extends Error {
  override name = "UsageError";
}

/** Parsed arguments: option values by name (flags as `"true"`) and positionals in order. */
export interface ParsedArgs {
  options: Map<string, string>;
  positionals: string[];
}

/**
 * Parses `args` for one command. `valued` options need a value; `flags` take none. An
 * unknown option, a repeated option or a missing value is a {@linkcode UsageError}.
 */
export function parseArgs(
  command: string,
  args: readonly string[],
  valued: readonly string[],
  flags: readonly string[] = [],
): ParsedArgs {
  const options = new Map<string, string>();
  const positionals: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (!arg.startsWith("--")) {
      positionals.push(arg);
      continue;
    }
    const equals = arg.indexOf("=");
    const name = equals < 0 ? arg.slice(2) : arg.slice(2, equals);
    if (name === "token") {
      throw new UsageError(
        `${command}: the token is read from REDCAP_API_TOKEN only (a command line is visible ` +
          "to other users of the machine)",
      );
    }
    if (options.has(name)) throw new UsageError(`${command}: --${name} is given twice`);
    if (flags.includes(name)) {
      if (equals >= 0) throw new UsageError(`${command}: --${name} takes no value`);
      options.set(name, "true");
    } else if (valued.includes(name)) {
      const value = equals >= 0 ? arg.slice(equals + 1) : args[++i];
      if (value === undefined || (equals < 0 && value.startsWith("--"))) {
        throw new UsageError(`${command}: --${name} needs a value`);
      }
      options.set(name, value);
    } else {
      throw new UsageError(`${command}: unknown option "--${name}" (see --help)`);
    }
  }
  return { options, positionals };
}

/** An option that must be one of `allowed`. */
export function oneOf<T extends string>(
  command: string,
  name: string,
  value: string | undefined,
  allowed: readonly T[],
  fallback: T,
): T {
  if (value === undefined) return fallback;
  if (!allowed.includes(value as T)) {
    throw new UsageError(
      `${command}: --${name} must be ${allowed.map((a) => `"${a}"`).join(" or ")}, got "${value}"`,
    );
  }
  return value as T;
}
