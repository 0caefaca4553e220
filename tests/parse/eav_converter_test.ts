/**
 * EavCsvConverter: the first EAV CSV body read inline, later ones on a worker, with the same
 * frames and errors.
 */
import { deepStrictEqual, rejects } from "node:assert/strict";
import { eavCsvPlan } from "../../lib/parse/eav_csv.ts";
import { EavCsvConverter } from "../../lib/parse/eav_converter.ts";
import { toEav } from "../../lib/transform/eav.ts";
import { generate } from "../transform/_generate.ts";
import { rows } from "../transform/_fixtures.ts";
import { eavCsv } from "./_eav_csv.ts";

const encoder = new TextEncoder();

Deno.test("EavCsvConverter reads later bodies on a worker, with the same frames and errors as inline", async () => {
  for (const { dd, flat } of [3, 4].map(generate)) {
    const body = eavCsv(toEav(flat, dd));
    const converter = new EavCsvConverter(eavCsvPlan(dd), dd.columns(), false);
    try {
      // The first body is read inline, the next ones on the worker.
      const frames = await Promise.all([0, 1, 2].map(() => converter.read(body.slice())));
      for (const frame of frames) deepStrictEqual(rows(frame), rows(flat));
      await rejects(
        converter.read(encoder.encode("record,field_name,value\n1,nope,2\n")),
        /field "nope" is not in the data dictionary/,
      );
      deepStrictEqual(rows(await converter.read(body.slice())), rows(flat));
    } finally {
      converter.close();
    }
  }
});
