/**
 * The address clients reach the server at, for the absolute URLs it builds (survey links).
 *
 * @module
 */

/**
 * The API URL as seen by clients. A REDCap behind a web server builds its links from its
 * configured base URL (`redcap_base_url`), not from the address a request reached; so does the
 * local server when given `baseUrl` (`--base-url`). Without one, a proxy's
 * `X-Forwarded-Proto` and `X-Forwarded-Host` (first value each) replace the scheme and host.
 *
 * @param request The request.
 * @param baseUrl The configured base URL (the API is `{baseUrl}api/`).
 * @returns The API URL, ending in `api/` when built from `baseUrl`.
 *
 * @example
 * ```ts
 * import { publicUrl } from "./_public_url.ts";
 * const request = new Request("http://127.0.0.1:8080/api/", {
 *   headers: { "X-Forwarded-Proto": "https", "X-Forwarded-Host": "redcap.example.org" },
 * });
 * if (publicUrl(request) !== "https://redcap.example.org/api/") throw new Error("proxy ignored");
 * if (publicUrl(request, "https://x.org/redcap") !== "https://x.org/redcap/api/") {
 *   throw new Error("base URL ignored");
 * }
 * ```
 */
export function publicUrl(request: Request, baseUrl?: string): string {
  if (baseUrl) return new URL("api/", baseUrl.endsWith("/") ? baseUrl : `${baseUrl}/`).href;
  const url = new URL(request.url);
  const first = (name: string) => request.headers.get(name)?.split(",")[0].trim() ?? "";
  const proto = first("x-forwarded-proto").toLowerCase();
  const host = first("x-forwarded-host");
  if (proto === "http" || proto === "https") url.protocol = `${proto}:`;
  if (/^[A-Za-z0-9.-]+(:\d+)?$|^\[[0-9A-Fa-f:.]+\](:\d+)?$/.test(host)) {
    url.host = host;
    if (!/:\d+$/.test(host)) url.port = "";
  }
  return url.href;
}

/**
 * Checks a configured base URL: an absolute `http` or `https` URL.
 *
 * @throws {RangeError} Naming the option when it is not one.
 */
export function checkBaseUrl(baseUrl: string): void {
  let url: URL | undefined;
  try {
    url = new URL(baseUrl);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== "http:" && url.protocol !== "https:")) {
    throw new RangeError(
      `Cannot start server: --base-url must be an absolute http or https URL, not '${baseUrl}'`,
    );
  }
}
