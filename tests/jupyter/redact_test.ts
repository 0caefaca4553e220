import { strictEqual } from "node:assert/strict";
import { redactTokens } from "../../lib/jupyter/redact.ts";

const TOKEN = "A1B2C3D4E5F60718293A4B5C6D7E8F90";
const SUPER = TOKEN + "0123456789abcdef0123456789ABCDEF";

Deno.test("redactTokens() replaces a 32-hex-digit token wherever it appears", () => {
  strictEqual(redactTokens(`token=${TOKEN}`), "token=[token]");
  strictEqual(redactTokens(`"${TOKEN}"`), '"[token]"');
  strictEqual(redactTokens(`x_${TOKEN}_y`), "x_[token]_y");
  strictEqual(redactTokens(`${TOKEN.toLowerCase()} and ${TOKEN}`), "[token] and [token]");
});

Deno.test("redactTokens() replaces a 64-hex-digit super token as one run", () => {
  strictEqual(redactTokens(`super ${SUPER}.`), "super [token].");
});

Deno.test("redactTokens() leaves shorter hex runs, numbers and dates alone", () => {
  const text = "record 1001, md5-ish abcdef0123456789abcdef012345678 (31), 2024-01-02, 3.14159";
  strictEqual(redactTokens(text), text);
});
