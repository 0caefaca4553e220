/**
 * A 5-term filter over 100,000 rows: REDCap logic through `evaluateLogic()` (translated to one
 * Polars expression) against the same filter written by hand in Polars, in the same run.
 *
 *   deno bench -A bench/logic_bench.ts      (Deno.bench table)
 *   deno run -A bench/logic_bench.ts        (prints medians and the ratio)
 *
 * @module
 */
import pl from "../lib/deps/polars.ts";
import { evaluateLogic } from "../lib/logic/frame.ts";
import { fieldMetadata } from "../lib/server/project.ts";

const ROWS = 100_000;
const LOGIC =
  "[age] >= 40 and [sex] = '1' and [bmi] > 25 and [race(2)] = '1' or [name_last] = 'Lee'";

function makeFrame(): pl.DataFrame {
  let seed = 42;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const names = ["Lee", "Smith", "Jones", "Nguyen", ""];
  const id: string[] = [], age: string[] = [], sex: string[] = [], bmi: string[] = [];
  const race2: string[] = [], last: string[] = [];
  for (let i = 0; i < ROWS; i++) {
    id.push(String(i + 1));
    age.push(random() < 0.05 ? "" : String(Math.floor(18 + random() * 70)));
    sex.push(random() < 0.5 ? "0" : "1");
    bmi.push(random() < 0.05 ? "" : (15 + random() * 25).toFixed(1));
    race2.push(random() < 0.3 ? "1" : "0");
    last.push(names[Math.floor(random() * names.length)]);
  }
  return pl.DataFrame({ record_id: id, age, sex, bmi, race___2: race2, name_last: last });
}

const METADATA = [
  fieldMetadata({ field_name: "record_id", form_name: "f", field_type: "text" }),
  fieldMetadata({ field_name: "age", form_name: "f", field_type: "text" }),
  fieldMetadata({ field_name: "sex", form_name: "f", field_type: "radio" }),
  fieldMetadata({ field_name: "bmi", form_name: "f", field_type: "calc" }),
  fieldMetadata({ field_name: "race", form_name: "f", field_type: "checkbox" }),
  fieldMetadata({ field_name: "name_last", form_name: "f", field_type: "text" }),
];

const df = makeFrame();

function viaLogic(): number {
  return evaluateLogic(df, METADATA, LOGIC).cast(pl.Int32).sum() as number;
}

function viaPolars(): number {
  const num = (name: string) => pl.col(name).cast(pl.Float64, false);
  const expr = num("age").gtEq(40)
    .and(pl.col("sex").eq(pl.lit("1")))
    .and(num("bmi").gt(25))
    .and(pl.col("race___2").eq(pl.lit("1")))
    .or(pl.col("name_last").eq(pl.lit("Lee")))
    .fillNull(false);
  return df.select(expr.alias("x")).getColumn("x").cast(pl.Int32).sum() as number;
}

Deno.bench({
  name: "REDCap logic via evaluateLogic()",
  group: "filter",
  fn: () => void viaLogic(),
});
Deno.bench({
  name: "hand-written Polars expression",
  group: "filter",
  baseline: true,
  fn: () => void viaPolars(),
});

/** Medians of interleaved runs, so load from other processes hits both sides alike. */
function medians(fns: (() => unknown)[], runs: number): number[] {
  const times = fns.map(() => [] as number[]);
  for (let i = 0; i < runs; i++) {
    fns.forEach((fn, k) => {
      const start = performance.now();
      fn();
      times[k].push(performance.now() - start);
    });
  }
  return times.map((t) => t.sort((a, b) => a - b)[Math.floor(runs / 2)]);
}

if (import.meta.main) {
  if (viaLogic() !== viaPolars()) throw new Error("The two filters disagree");
  for (let i = 0; i < 10; i++) {
    viaLogic();
    viaPolars();
  }
  const [logic, direct] = medians([viaLogic, viaPolars], 101);
  console.log(`rows: ${ROWS}; matching rows: ${viaLogic()}`);
  console.table({
    "evaluateLogic()": { "median ms": +logic.toFixed(2) },
    "hand-written Polars": { "median ms": +direct.toFixed(2) },
  });
  console.log(`ratio: ${(logic / direct).toFixed(2)}x (target ≤ 3x)`);
}
