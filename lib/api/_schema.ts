/**
 * zod pieces for REDCap's JSON: numbers that may arrive as numbers or numeric strings, text
 * that may arrive as numbers or `null`.
 *
 * @module
 */
import { z } from "../deps/zod.ts";

/** A number sent as a number or as numeric text. */
export const num = z.union([
  z.number(),
  z.string().trim().regex(/^-?\d+(\.\d+)?$/, "expected a number").transform(Number),
]);

/** A number, or `null` for blank. */
export const optionalNum = z.union([num, z.literal(""), z.null()]).transform((v) =>
  v === "" || v === null ? null : v
);

/** Text sent as a string, a number, or `null` (read as `""`). */
export const text = z.union([z.string(), z.number(), z.boolean(), z.null()]).transform((v) =>
  v === null ? "" : String(v)
);

/** A JSON array of rows. */
export const rows = <T extends z.ZodType>(row: T) => z.array(row);
