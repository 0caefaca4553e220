/** The logic errors: a code, the 0-based position, and a message counting characters from 1. */
import { ok, strictEqual, throws } from "node:assert/strict";
import { LogicError, LogicSyntaxError } from "../../lib/logic/errors.ts";
import { parseLogic } from "../../lib/logic/logic.ts";

Deno.test("LogicError reads '<detail> at character <position + 1>' and keeps its parts", () => {
  const error = new LogicError("arity", "if() takes 3 arguments", 4);
  strictEqual(error.message, "if() takes 3 arguments at character 5");
  strictEqual(error.detail, "if() takes 3 arguments");
  strictEqual(error.position, 4);
  strictEqual(error.code, "arity");
  strictEqual(error.name, "LogicError");
});

Deno.test("parseLogic() throws a LogicSyntaxError at the offending character", () => {
  throws(() => parseLogic("[age] >= 18 and"), (e: unknown) => {
    ok(e instanceof LogicSyntaxError && e instanceof LogicError);
    strictEqual(e.code, "syntax");
    strictEqual(e.name, "LogicSyntaxError");
    ok(e.position >= 12, `position ${e.position}`);
    return true;
  });
  throws(() => parseLogic("[name] = 'open"), (e: unknown) => {
    return e instanceof LogicSyntaxError && e.position === 9;
  });
});
