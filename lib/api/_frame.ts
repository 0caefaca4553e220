/**
 * Safe, cheap reads of a DataFrame's shape. nodejs-polars resolves any property whose name is
 * a column to that column, so `df.height` is the *height* field of a project that has one (the
 * demo does). The plain getters are used when no field shadows them; `getColumns()` (safe:
 * REDCap field names are lower-case) is the fallback only, as it wraps every column in a
 * Series (about 0.1 s on a 4,000-column frame).
 *
 * @module
 */
import pl from "nodejs-polars";

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
