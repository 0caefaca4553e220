export * from "../mod.ts";
export * from "../lib/read_records.ts";
export * from "../lib/jupyter/reports.ts";
