/**
 * Polars expressions chained on Polars' own expression objects rather than nodejs-polars'
 * wrappers. nodejs-polars wraps every step of an expression in a fresh object of about 300
 * closures: some 20 µs a step warm, 50 µs cold, so the hundred-odd steps of a cast plan cost
 * more than casting a small export. A {@linkcode NativeExpr} calls the native method behind each
 * step (about 2 µs) and is wrapped once, by {@linkcode NativeExpr.expr}. Each method mirrors
 * the nodejs-polars 0.25.2 method of the same name (the version is pinned).
 *
 * @module
 */
import pl from "nodejs-polars";

/** Polars' expression object, as `Expr.inner()` gives it. */
// deno-lint-ignore no-explicit-any
type Inner = any;

/** `pl.Expr` builds the wrapper of a native expression (its type does not say so). */
const wrap = pl.Expr as unknown as (inner: Inner) => pl.Expr;

/** Literals are immutable: the common ones are built once (up to this many values, so field
 * names and reasons of many projects do not pile up). */
const LITERALS = new Map<string | number | boolean | null, Inner>();
const MAX_LITERALS = 256;

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
    return NativeExpr.of(pl.col(name));
  }

  /** `pl.cols(names)`. */
  static cols(names: readonly string[]): NativeExpr {
    return NativeExpr.of(pl.cols([...names]));
  }

  /** `pl.lit(value)`. */
  static lit(value: string | number | boolean | null): NativeExpr {
    let inner = LITERALS.get(value);
    if (inner === undefined) {
      inner = pl.lit(value).inner();
      if (LITERALS.size < MAX_LITERALS) LITERALS.set(value, inner);
    }
    return new NativeExpr(inner);
  }

  /** `pl.lit(pl.Series(values))`: a list of values (for `isIn`, `replaceStrict`). */
  static series(values: readonly string[]): NativeExpr {
    return NativeExpr.of(pl.lit(pl.Series([...values])));
  }

  /** `pl.when(c1).then(v1).when(c2).then(v2)….otherwise(otherwise)`. */
  static cases(branches: readonly [NativeExpr, NativeExpr][], otherwise: Operand): NativeExpr {
    const arg = (e: NativeExpr) => ({ _expr: e.inner }) as unknown as pl.Expr;
    const [[c0, v0], ...rest] = branches;
    let chain = pl.when(arg(c0)).then(arg(v0));
    for (const [c, v] of rest) chain = chain.when(arg(c)).then(arg(v));
    return NativeExpr.of(chain.otherwise(arg(operand(otherwise))));
  }

  /** The nodejs-polars expression. */
  expr(): pl.Expr {
    return wrap(this.inner);
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
  lt(other: Operand): NativeExpr {
    return this.#step(this.inner.lt(operand(other).inner));
  }
  and(other: NativeExpr): NativeExpr {
    return this.#step(this.inner.and(other.inner));
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
}

function operand(value: Operand): NativeExpr {
  return value instanceof NativeExpr ? value : NativeExpr.lit(value);
}
