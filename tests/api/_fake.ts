/**
 * A tiny fake REDCap for client unit tests: a `fetch` that records every request's parameters
 * and answers through a function of them.
 *
 * @module
 */
import { RedcapClient, type RedcapClientOptions } from "../../lib/client.ts";

/** A token used only by these tests. */
export const TOKEN = "0123456789ABCDEF0123456789ABCDEF";

/** One request the fake received. */
export interface SeenRequest {
  params: Record<string, string>;
  file?: File;
}

/** Answers one request; `n` is the 1-based count of requests so far. */
export type Answer = (params: Record<string, string>, n: number, signal?: AbortSignal) =>
  | Response
  | Promise<Response>;

/** A fake `fetch` and what it saw. */
export function fakeFetch(answer: Answer): {
  fetch: (input: Request | URL | string, init?: RequestInit) => Promise<Response>;
  seen: SeenRequest[];
} {
  const seen: SeenRequest[] = [];
  const fetch = async (input: Request | URL | string, init?: RequestInit) => {
    const request = new Request(input, init);
    const params: Record<string, string> = {};
    let file: File | undefined;
    const type = request.headers.get("content-type") ?? "";
    if (type.startsWith("multipart/form-data")) {
      const form = await request.formData();
      for (const [k, v] of form.entries()) {
        if (typeof v === "string") params[k] = v;
        else file = v;
      }
    } else {
      for (const [k, v] of new URLSearchParams(await request.text())) params[k] = v;
    }
    seen.push({ params, file });
    return answer(params, seen.length, init?.signal ?? undefined);
  };
  return { fetch, seen };
}

/** A client over a fake, with fast retries. */
export function fakeClient(answer: Answer, options: RedcapClientOptions = {}) {
  const fake = fakeFetch(answer);
  const client = new RedcapClient("https://redcap.test/api/", TOKEN, {
    fetch: fake.fetch,
    retry: { limit: 3, backoff: 1, maxDelay: 5 },
    progressBar: false,
    ...options,
  });
  return { client, seen: fake.seen };
}

/** A JSON response. */
export function json(value: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(value), {
    status,
    headers: { "Content-Type": "application/json; charset=utf-8", ...headers },
  });
}

/** A text response. */
export function text(body: string, status = 200, type = "text/csv; charset=utf-8"): Response {
  return new Response(body, { status, headers: { "Content-Type": type } });
}
