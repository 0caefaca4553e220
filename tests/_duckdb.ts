/**
 * DuckDB, the engine the hand-off tests read Parquet files with (tests only; denocap itself does
 * not load it). Its pinned `npm:` specifier is named here and nowhere else.
 *
 * @module
 */
export { DuckDBInstance } from "npm:@duckdb/node-api@1.5.6-r.1";
