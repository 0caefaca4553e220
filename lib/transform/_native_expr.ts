/**
 * Polars expressions built on Polars' own expression objects rather than nodejs-polars'
 * wrappers. nodejs-polars wraps every step of an expression in a fresh object of about 300
 * closures: some 20 µs a step warm, 50 µs cold, so the hundreds of steps of a cast plan (and of
 * the reports of a wide frame) cost more than casting a small export. A {@linkcode NativeExpr}
 * calls the native function or method behind each step (about 2 µs) and is wrapped once, by
 * {@linkcode NativeExpr.expr}, or not at all when it is only a `select`/`filter` argument
 * ({@linkcode NativeExpr.arg}). Each step mirrors the nodejs-polars 0.25.2 function or method
 * of the same name, which calls the same native one (the version is pinned; the tests compare
 * every step with its nodejs-polars twin).
 *
 * @module
 */
import pl from "../deps/polars.ts";
import internal from "../deps/polars_internal.ts";

/** Polars' expression object, as `Expr.inner()` gives it. */
// deno-lint-ignore no-explicit-any
type Inner = any;

/** The native functions nodejs-polars' `pl.col`, `pl.cols`, `pl.lit` and `pl.when` call. */
const native = (internal as unknown as {
  default: {
    col(name: string): Inner;
    cols(names: string[]): Inner;
    lit(value: unknown): Inner;
    litSeries(series: Inner): Inner;
    when(condition: Inner): Inner;
  };
}).default;

/** `pl.Expr` builds the wrapper of a native expression (its type does not say so). */
const wrap = pl.Expr as unknown as (inner: Inner) => pl.Expr;

/** Value lists (`isIn`, `replaceStrict`) are built once each: a Series costs a wrapper. */
const SERIES = new Map<string, Inner>();
const MAX_SERIES = 256;

/** A value or another expression, as an argument. */
type Operand = NativeExpr | string | number | boolean | null;

/** A Polars expression built step by step on the native object. */
export class NativeExpr {
  private constructor(private readonly inner: Inner) {}

  /** The native side of a nodejs-polars expression. */
  static of(expr: pl.Expr): NativeExpr {
    return new NativeExpr(expr.inner());
  }

  /** `pl.col(name)`. */
  static col(name: string): NativeExpr {
    return new NativeExpr(native.col(name));
  }

  /** `pl.cols(names)`. */
  static cols(names: readonly string[]): NativeExpr {
    return new NativeExpr(native.cols([...names]));
  }

  /** `pl.lit(value)`. */
  static lit(value: string | number | boolean | null): NativeExpr {
    return new NativeExpr(native.lit(value));
  }

  /** `pl.lit(pl.Series(values))`: a list of values (for `isIn`, `replaceStrict`). */
  static series(values: readonly string[]): NativeExpr {
    const key = JSON.stringify(values);
    let inner = SERIES.get(key);
    if (inner === undefined) {
      inner = native.lit(pl.Series([...values]).inner());
      if (SERIES.size < MAX_SERIES) SERIES.set(key, inner);
    }
    return new NativeExpr(inner);
  }

  /** `pl.lit(series)` of a whole Series, as a column of its values (e.g. to `gather` from). */
  static column(series: pl.Series): NativeExpr {
    return new NativeExpr(native.litSeries(series.inner()));
  }

  /** `pl.when(c1).then(v1).when(c2).then(v2)….otherwise(otherwise)`. */
  static cases(branches: readonly [NativeExpr, NativeExpr][], otherwise: Operand): NativeExpr {
    const [[c0, v0], ...rest] = branches;
    let chain = native.when(c0.inner).then(v0.inner);
    for (const [c, v] of rest) chain = chain.when(c.inner).then(v.inner);
    return new NativeExpr(chain.otherwise(operand(otherwise).inner));
  }

  /** The nodejs-polars expression. */
  expr(): pl.Expr {
    return wrap(this.inner);
  }

  /**
   * The expression as an argument of `select`, `withColumns` or `filter` only: those read
   * nothing of an `Expr` but its native object (`_expr`, once `Symbol.toStringTag` says
   * "Expr"), so this skips building the wrapper. Calling an `Expr` method on it fails.
   */
  arg(): pl.Expr {
    return { _expr: this.inner, [Symbol.toStringTag]: () => "Expr" } as unknown as pl.Expr;
  }

  #step(inner: Inner): NativeExpr {
    return new NativeExpr(inner);
  }

  eq(other: Operand): NativeExpr {
    return this.#step(this.inner.eq(operand(other).inner));
  }
  neq(other: Operand): NativeExpr {
    return this.#step(this.inner.neq(operand(other).inner));
  }
  and(other: NativeExpr): NativeExpr {
    return this.#step(this.inner.and(other.inner));
  }
  or(other: NativeExpr): NativeExpr {
    return this.#step(this.inner.or(other.inner));
  }
  not(): NativeExpr {
    return this.#step(this.inner.not());
  }
  add(other: Operand): NativeExpr {
    return this.#step(this.inner.add(operand(other).inner));
  }
  isNull(): NativeExpr {
    return this.#step(this.inner.isNull());
  }
  isFinite(): NativeExpr {
    return this.#step(this.inner.isFinite());
  }
  fillNull(value: Operand): NativeExpr {
    return this.#step(this.inner.fillNull(operand(value).inner));
  }
  /** `isIn(values)` (nulls never equal). */
  isIn(values: readonly string[]): NativeExpr {
    return this.#step(this.inner.isIn(NativeExpr.series(values).inner, false));
  }
  cast(dtype: pl.DataType, strict = false): NativeExpr {
    return this.#step(this.inner.cast(dtype, strict));
  }
  /** `gather(indices)`: the values at these row numbers (a Series, or an expression). */
  gather(indices: pl.Series | NativeExpr): NativeExpr {
    const at = indices instanceof NativeExpr ? indices.inner : native.litSeries(indices.inner());
    return this.#step(this.inner.gather(at));
  }
  /** `toPhysical()`: a Categorical's category ids (UInt32). */
  toPhysical(): NativeExpr {
    return this.#step(this.inner.toPhysical());
  }
  alias(name: string): NativeExpr {
    return this.#step(this.inner.alias(name));
  }
  keepName(): NativeExpr {
    return this.#step(this.inner.keepName());
  }
  /** `replaceStrict(old, new, default, dtype)`. */
  replaceStrict(
    old: readonly string[],
    replacement: readonly string[],
    otherwise: Operand,
    dtype: pl.DataType,
  ): NativeExpr {
    return this.#step(
      this.inner.replaceStrict(
        NativeExpr.series(old).inner,
        NativeExpr.series(replacement).inner,
        operand(otherwise).inner,
        dtype,
      ),
    );
  }
  /** `str.lengths()`. */
  strLengths(): NativeExpr {
    return this.#step(this.inner.strLengths());
  }
  /** `str.replace(pattern, value, literal)`: the first match. */
  strReplace(pattern: string, value: string, literal: boolean): NativeExpr {
    return this.#step(
      this.inner.strReplace(NativeExpr.lit(pattern).inner, NativeExpr.lit(value).inner, literal, 1),
    );
  }
  /** `str.contains(regex)`. */
  strContains(regex: string): NativeExpr {
    return this.#step(this.inner.strContains(NativeExpr.lit(regex).inner, false, true));
  }
  /**
   * `str.strptime(pl.Datetime("ms"), format)` with an exact match (nodejs-polars only asks
   * for a non-exact one, the format searched for anywhere in each value: four times slower).
   */
  strToDatetimeExact(format: string): NativeExpr {
    return this.#step(
      this.inner.strToDatetime(format, "ms", undefined, false, true, false, undefined),
    );
  }
  /**
   * `str.strptime(pl.Date, format)` with an exact match and no cache of distinct values
   * (nodejs-polars asks for a non-exact match; the cache costs more than it saves on dates).
   */
  strToDateExact(format: string): NativeExpr {
    return this.#step(this.inner.strToDate(format, false, true, false));
  }
}

function operand(value: Operand): NativeExpr {
  return value instanceof NativeExpr ? value : NativeExpr.lit(value);
}
