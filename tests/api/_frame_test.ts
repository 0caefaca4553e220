import { deepStrictEqual as assertEquals } from "node:assert/strict";
import pl from "nodejs-polars";
import { copyFrame, frameColumns, frameHeight } from "../../lib/api/_frame.ts";

Deno.test("frameColumns() and frameHeight() read the shape of any frame", () => {
  const df = pl.DataFrame({ record_id: ["1", "2", "3"], age: ["40", null, "7"] });
  assertEquals(frameColumns(df), ["record_id", "age"]);
  assertEquals(frameHeight(df), 3);
  assertEquals(frameHeight(pl.DataFrame({})), 0);
  assertEquals(frameColumns(pl.DataFrame({})), []);
});

Deno.test("frameColumns() and frameHeight() are right when fields shadow the getters", () => {
  // nodejs-polars resolves `df.columns`, `df.shape`, `df.height` to a column of that name.
  const df = pl.DataFrame({ columns: ["a", "b"], shape: ["c", "d"], height: ["1", "2"] });
  assertEquals(frameColumns(df), ["columns", "shape", "height"]);
  assertEquals(frameHeight(df), 2);
  const copy = copyFrame(df);
  assertEquals(frameColumns(copy), ["columns", "shape", "height"]);
  assertEquals(frameHeight(copy), 2);
});
