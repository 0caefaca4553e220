/**
 * Safe reads of a DataFrame's shape. nodejs-polars resolves any property whose name is a
 * column to that column, so `df.height` is the *height* field of a project that has one (the
 * demo does). REDCap field names are lower-case, so camelCase methods (`getColumns`) are safe.
 *
 * @module
 */
import pl from "nodejs-polars";

/** The column names, even when a field is called `columns`. */
export function frameColumns(frame: pl.DataFrame): string[] {
  return frame.getColumns().map((series) => series.name);
}

/** The number of rows, even when a field is called `height`. */
export function frameHeight(frame: pl.DataFrame): number {
  const first = frame.getColumns()[0];
  return first ? first.len() : 0;
}

/** A new frame over the same (immutable) columns. */
export function copyFrame(frame: pl.DataFrame): pl.DataFrame {
  return pl.DataFrame(frame.getColumns());
}
