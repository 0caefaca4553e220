/**
 * Safe, cheap calls on DataFrames of project data. nodejs-polars resolves any property whose
 * name is a column to that column before any method, so a project's fields shadow methods of
 * the same name: `df.height` is the demo's *height* field, and a field called `select`,
 * `lazy`, `row`, `filter`, `dtypes`, `columns` or `shape` hides that method or getter on every
 * frame holding it (`lazy` even breaks nodejs-polars' own `select`). These helpers use the
 * plain method when it is not shadowed and a safe route when it is; `getColumns()` is always
 * safe (REDCap field names are lower-case) but wraps every column in a Series (about 0.1 s on
 * a 4,000-column frame), so it is only the fallback.
 *
 * @module
 */
import pl from "./deps/polars.ts";

/** The column names, even when a field is called `columns`. */
export function frameColumns(frame: pl.DataFrame): string[] {
  const columns: unknown = frame.columns;
  if (Array.isArray(columns)) return columns;
  return frame.getColumns().map((series) => series.name);
}

/** The number of rows, even when a field is called `height` or `shape`. */
export function frameHeight(frame: pl.DataFrame): number {
  const height: unknown = (frame.shape as { height?: unknown } | undefined)?.height;
  if (typeof height === "number") return height;
  const first = frame.getColumns()[0];
  return first ? first.len() : 0;
}

/** The column dtypes, even when a field is called `dtypes`. */
export function frameDtypes(frame: pl.DataFrame): pl.DataType[] {
  const dtypes: unknown = frame.dtypes;
  if (Array.isArray(dtypes)) return dtypes;
  return frame.getColumns().map((series) => series.dtype);
}

/** The first row's values, in column order, even when a field is called `row`. */
export function firstRow(frame: pl.DataFrame): unknown[] {
  if (typeof frame.row === "function") return frame.row(0);
  return frame.getColumns().map((series) => series.toArray()[0]);
}

/** A name no REDCap field can have (field names start with a letter). */
const ASIDE = "_denocap_lazy";

/** `frame.lazy()`, even when a field is called `lazy`. */
export function lazyFrame(frame: pl.DataFrame): pl.LazyDataFrame {
  if (typeof frame.lazy === "function") return frame.lazy();
  const series = frame.getColumns().map((s) => s.name === "lazy" ? s.alias(ASIDE) : s);
  return pl.DataFrame(series).lazy().rename({ [ASIDE]: "lazy" });
}

/** `frame.select(...)`, even when a field is called `select` or `lazy` (nodejs-polars' own
 * `select` goes through `lazy()`). */
export function selectFrame(frame: pl.DataFrame, ...exprs: (pl.Expr | string)[]): pl.DataFrame {
  if (typeof frame.select === "function" && typeof frame.lazy === "function") {
    return frame.select(...exprs);
  }
  return lazyFrame(frame).select(...exprs).collectSync();
}

/** `frame.withColumns(...exprs)`, even when a field is called `lazy`. */
export function withColumnsFrame(frame: pl.DataFrame, ...exprs: pl.Expr[]): pl.DataFrame {
  return typeof frame.lazy === "function"
    ? frame.withColumns(...exprs)
    : lazyFrame(frame).withColumns(...exprs).collectSync();
}

/** `frame.slice(offset, length)`, even when a field is called `slice` (or `lazy`). */
export function sliceFrame(frame: pl.DataFrame, offset: number, length: number): pl.DataFrame {
  return typeof frame.slice === "function"
    ? frame.slice(offset, length)
    : lazyFrame(frame).slice(offset, length).collectSync();
}

/** A left join keeping the rows of `frame` in order, even when a field is called `join`. */
export function leftJoinFrame(frame: pl.DataFrame, other: pl.DataFrame, on: string): pl.DataFrame {
  return typeof frame.join === "function"
    ? frame.join(other, { on, how: "left" })
    : lazyFrame(frame).join(lazyFrame(other), { on, how: "left" }).collectSync();
}

/** `frame.filter(predicate)`, even when a field is called `filter` or `lazy`. */
export function filterFrame(frame: pl.DataFrame, predicate: pl.Expr): pl.DataFrame {
  return lazyFrame(frame).filter(predicate).collectSync();
}

/** Below this many rows per chunk, `rechunkShort()` merges the chunks. */
const MIN_CHUNK_ROWS = 1000;

/**
 * The frame in one chunk when its chunks are short, before many expressions run on it.
 * Polars' CSV reader cuts every body into 16 chunks per thread (+1) whatever its size, and
 * each expression step costs about the same per chunk whatever the chunk's length: on a small
 * or wide body (a few rows per chunk) a cast costs several times the copy that merging the
 * chunks does. From about 1,600 rows per chunk on the two are even, so longer chunks are kept
 * as they are (no copy, no extra peak memory on large reads).
 */
export function rechunkShort(df: pl.DataFrame): pl.DataFrame {
  const chunks = df.nChunks();
  return chunks > 1 && frameHeight(df) < MIN_CHUNK_ROWS * chunks ? df.rechunk() : df;
}

/** A new frame over the same (immutable) columns. */
export function copyFrame(frame: pl.DataFrame): pl.DataFrame {
  return pl.DataFrame(frame.getColumns());
}
