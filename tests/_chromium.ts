/**
 * Headless Chromium and nbconvert for the browser test and the gallery: finding them, executing
 * and converting a notebook, and loading a page with a probe that measures every chart as the
 * browser laid it out.
 *
 * @module
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** The repo's root folder. */
export const ROOT: string = fileURLToPath(new URL("../", import.meta.url));

function onPath(name: string): string | undefined {
  for (const dir of (Deno.env.get("PATH") ?? "").split(":")) {
    if (!dir) continue;
    const path = join(dir, name);
    try {
      if (Deno.statSync(path).isFile) return path;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** The Chromium binary (`CHROMIUM` env, else `chromium` or `chromium-browser` on PATH). */
export function findChromium(): string | undefined {
  const configured = Deno.env.get("CHROMIUM");
  if (configured) return configured;
  return onPath("chromium") ?? onPath("chromium-browser");
}

/** `jupyter-nbconvert` when it is installed and the Deno kernel is registered with Jupyter. */
export function findNbconvert(needKernel = true): string | undefined {
  const nbconvert = onPath("jupyter-nbconvert");
  if (!nbconvert || !onPath("jupyter")) return undefined;
  if (!needKernel) return nbconvert;
  const list = new Deno.Command("jupyter", { args: ["kernelspec", "list"], stderr: "null" })
    .outputSync();
  return /^\s*deno\s/m.test(new TextDecoder().decode(list.stdout)) ? nbconvert : undefined;
}

const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--hide-scrollbars",
  "--force-device-scale-factor=1",
];

async function chromium(chrome: string, args: string[]): Promise<string> {
  const profile = await Deno.makeTempDir({ prefix: "denocap_chromium_" });
  try {
    const output = await new Deno.Command(chrome, {
      args: [...FLAGS, `--user-data-dir=${profile}`, ...args],
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (!output.success) {
      throw new Error(
        `Cannot run Chromium: exit ${output.code}: ${
          new TextDecoder().decode(output.stderr).slice(-1000)
        }`,
      );
    }
    return new TextDecoder().decode(output.stdout);
  } finally {
    await Deno.remove(profile, { recursive: true });
  }
}

/** What the probe found for one `<svg>` on the page. */
export interface SvgProbe {
  /** Laid-out width and height in CSS pixels. */
  width: number;
  height: number;
  /** Data marks inside: shapes of vega's `role-mark` groups (not axes, legends or titles). */
  marks: number;
  /** Of those, how many the browser drew with a non-empty box. */
  drawn: number;
}

/** What the probe found for one `<img>` showing a PNG given inline (`data:image/png`). */
export interface PngProbe {
  /** Laid-out width and height in CSS pixels. */
  width: number;
  height: number;
  /** The decoded image's size in pixels: 0 when the browser could not decode it. */
  naturalWidth: number;
  naturalHeight: number;
}

/** What {@linkcode probePage} reports. */
export interface PageProbe {
  /** One entry per `<svg>` element, in page order. */
  svgs: SvgProbe[];
  /** One entry per inline PNG `<img>` element, in page order. */
  pngs: PngProbe[];
  /** The height of the page's content in CSS pixels (for a full-page screenshot). */
  height: number;
  /** The page's visible text. */
  text: string;
}

const PROBE = `<script>
addEventListener("load", () => {
  const svgs = [...document.querySelectorAll("svg")].map((svg) => {
    const box = svg.getBoundingClientRect();
    const marks = [...svg.querySelectorAll(".role-mark path, .role-mark rect, .role-mark line, " +
      ".role-mark circle, .role-mark text")];
    const drawn = marks.filter((m) => { const b = m.getBBox(); return b.width > 0 || b.height > 0; });
    return { width: box.width, height: box.height, marks: marks.length, drawn: drawn.length };
  });
  const pngs = [...document.querySelectorAll('img[src^="data:image/png"]')].map((img) => {
    const box = img.getBoundingClientRect();
    return { width: box.width, height: box.height, naturalWidth: img.naturalWidth,
      naturalHeight: img.naturalHeight };
  });
  const out = document.createElement("pre");
  out.id = "denocap-probe";
  out.textContent = JSON.stringify({
    svgs,
    pngs,
    height: Math.ceil(document.body.getBoundingClientRect().bottom) + 16,
    text: document.body.innerText,
  });
  document.body.appendChild(out);
});
</script>`;

/**
 * Loads an HTML file in headless Chromium with a probe script added, and returns what the
 * probe measured once the page loaded.
 *
 * @param chrome The Chromium binary.
 * @param htmlFile The page.
 * @param width The window width.
 */
export async function probePage(
  chrome: string,
  htmlFile: string,
  width = 1200,
): Promise<PageProbe> {
  const html = await Deno.readTextFile(htmlFile);
  const probed = `${htmlFile}.probe.html`;
  const at = html.lastIndexOf("</body>");
  await Deno.writeTextFile(
    probed,
    at < 0 ? html + PROBE : html.slice(0, at) + PROBE + html.slice(at),
  );
  try {
    const dom = await chromium(chrome, [
      `--window-size=${width},1000`,
      "--virtual-time-budget=5000",
      "--dump-dom",
      `file://${probed}`,
    ]);
    const match = dom.match(/<pre id="denocap-probe">([\s\S]*?)<\/pre>/);
    if (!match) throw new Error(`Cannot probe ${htmlFile}: the probe did not run`);
    const json = match[1].replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'").replace(/&amp;/g, "&");
    return JSON.parse(json) as PageProbe;
  } finally {
    await Deno.remove(probed);
  }
}

/**
 * Screenshots a page with headless Chromium.
 *
 * @param chrome The Chromium binary.
 * @param htmlFile The page.
 * @param png Where to write the PNG.
 * @param width Window width.
 * @param height Window height (the screenshot's height).
 */
export async function screenshot(
  chrome: string,
  htmlFile: string,
  png: string,
  width: number,
  height: number,
): Promise<void> {
  await chromium(chrome, [
    `--window-size=${width},${height}`,
    "--virtual-time-budget=5000",
    `--screenshot=${png}`,
    `file://${htmlFile}`,
  ]);
}

/**
 * Converts a stored (executed) notebook of `notebooks/` to HTML with nbconvert's stock HTML
 * exporter, as a reader would: `jupyter nbconvert --to html NAME`.
 *
 * @param name The notebook's file name.
 * @param outDir Where the HTML goes.
 * @param notebooks The folder holding the notebook.
 * @returns The HTML file's path.
 */
export async function notebookToHtml(
  name: string,
  outDir: string,
  notebooks: string = join(ROOT, "notebooks"),
): Promise<string> {
  const output = await new Deno.Command("jupyter", {
    args: ["nbconvert", "--to", "html", name, "--output-dir", outDir],
    cwd: notebooks,
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!output.success) {
    throw new Error(
      `Cannot convert ${name}: ${new TextDecoder().decode(output.stderr).slice(-3000)}`,
    );
  }
  return join(outDir, name.replace(/\.ipynb$/, ".html"));
}
