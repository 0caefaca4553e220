/**
 * A minimal PDF writer: pages of wrapped text in Helvetica and Helvetica-Bold (the standard Type 1
 * fonts every reader has), WinAnsi encoded, with a valid cross-reference table. Enough for
 * REDCap's instrument PDFs; no images, no compression.
 *
 * @module
 */

/** One line of a document: text, style and indentation. */
export interface PdfLine {
  text: string;
  /** Bold heading style. */
  bold?: boolean;
  /** Font size in points. @default {10} */
  size?: number;
  /** Left indentation in points. @default {0} */
  indent?: number;
  /** Extra space before the line in points. @default {0} */
  spaceBefore?: number;
  /** Starts a new page before this line. */
  pageBreak?: boolean;
}

const PAGE_WIDTH = 612;
const PAGE_HEIGHT = 792;
const MARGIN = 54;

/** Helvetica advance widths (1/1000 em) for ASCII 32..126, from the standard AFM. */
const WIDTHS = [
  278,
  278,
  355,
  556,
  556,
  889,
  667,
  191,
  333,
  333,
  389,
  584,
  278,
  333,
  278,
  278,
  556,
  556,
  556,
  556,
  556,
  556,
  556,
  556,
  556,
  556,
  278,
  278,
  584,
  584,
  584,
  556,
  1015,
  667,
  667,
  722,
  722,
  667,
  611,
  778,
  722,
  278,
  500,
  667,
  556,
  833,
  722,
  778,
  667,
  778,
  722,
  667,
  611,
  722,
  667,
  944,
  667,
  667,
  611,
  278,
  278,
  278,
  469,
  556,
  333,
  556,
  556,
  500,
  556,
  556,
  278,
  556,
  556,
  222,
  222,
  500,
  222,
  833,
  556,
  556,
  556,
  556,
  333,
  500,
  278,
  556,
  500,
  722,
  500,
  500,
  500,
  334,
  260,
  334,
  584,
];

/** Width of text in points (bold is about 6% wider). */
export function textWidth(text: string, size: number, bold = false): number {
  let units = 0;
  for (const c of text) {
    const code = c.charCodeAt(0);
    units += code >= 32 && code <= 126 ? WIDTHS[code - 32] : 556;
  }
  return units * size / 1000 * (bold ? 1.06 : 1);
}

/** Splits text into lines no wider than `width` points, breaking at spaces where possible. */
export function wrapText(text: string, width: number, size: number, bold = false): string[] {
  const out: string[] = [];
  for (const paragraph of text.replace(/\r\n?/g, "\n").split("\n")) {
    let line = "";
    for (const word of paragraph.split(" ")) {
      const candidate = line === "" ? word : `${line} ${word}`;
      if (textWidth(candidate, size, bold) <= width) {
        line = candidate;
        continue;
      }
      if (line !== "") out.push(line);
      // A word wider than the line is cut.
      let rest = word;
      while (textWidth(rest, size, bold) > width) {
        let cut = rest.length - 1;
        while (cut > 1 && textWidth(rest.slice(0, cut), size, bold) > width) cut--;
        out.push(rest.slice(0, cut));
        rest = rest.slice(cut);
      }
      line = rest;
    }
    out.push(line);
  }
  return out;
}

/** WinAnsi bytes of characters outside Latin-1 that WinAnsi has (a few common ones). */
const WIN_ANSI: Record<string, number> = {
  "€": 0x80,
  "‚": 0x82,
  "„": 0x84,
  "…": 0x85,
  "‘": 0x91,
  "’": 0x92,
  "“": 0x93,
  "”": 0x94,
  "•": 0x95,
  "–": 0x96,
  "—": 0x97,
  "™": 0x99,
};

/** A PDF string literal in WinAnsi encoding; characters it lacks become `?`. */
function pdfString(text: string): string {
  let out = "(";
  for (const c of text) {
    const code = c.codePointAt(0)!;
    if (c === "(" || c === ")" || c === "\\") out += "\\" + c;
    else if (code >= 32 && code <= 126) out += c;
    else {
      const byte = WIN_ANSI[c] ?? (code >= 0xa0 && code <= 0xff ? code : 0x3f);
      out += byte === 0x3f ? "?" : "\\" + byte.toString(8).padStart(3, "0");
    }
  }
  return out + ")";
}

/** Options for {@linkcode writePdf}. */
export interface PdfOptions {
  /** Document title (the Info dictionary). */
  title?: string;
  /** Footer text on every page, before the page number. */
  footer?: string;
}

/**
 * Lays lines out on Letter pages and writes the PDF.
 *
 * @param lines The text, in order.
 * @param options Title and footer.
 * @returns The PDF bytes.
 */
export function writePdf(lines: readonly PdfLine[], options: PdfOptions = {}): Uint8Array {
  const pages: string[][] = [[]];
  let y = PAGE_HEIGHT - MARGIN;
  const usable = PAGE_WIDTH - 2 * MARGIN;
  for (const line of lines) {
    const size = line.size ?? 10;
    const indent = line.indent ?? 0;
    const leading = size * 1.35;
    if (line.pageBreak && pages.at(-1)!.length > 0) {
      pages.push([]);
      y = PAGE_HEIGHT - MARGIN;
    }
    y -= line.spaceBefore ?? 0;
    for (const part of wrapText(line.text, usable - indent, size, line.bold)) {
      if (y - leading < MARGIN + 20) {
        pages.push([]);
        y = PAGE_HEIGHT - MARGIN;
      }
      y -= leading;
      const font = line.bold ? "F2" : "F1";
      pages.at(-1)!.push(
        `BT /${font} ${size} Tf ${MARGIN + indent} ${y.toFixed(2)} Td ${pdfString(part)} Tj ET`,
      );
    }
  }
  const objects: string[] = [];
  const pageCount = pages.length;
  // 1 catalog, 2 pages, 3 Helvetica, 4 Helvetica-Bold, 5 info, then page + content pairs.
  const kids = pages.map((_, i) => `${6 + 2 * i} 0 R`).join(" ");
  objects.push("<< /Type /Catalog /Pages 2 0 R >>");
  objects.push(`<< /Type /Pages /Kids [${kids}] /Count ${pageCount} >>`);
  objects.push("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>");
  objects.push(
    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>",
  );
  objects.push(`<< /Producer (denocap) /Title ${pdfString(options.title ?? "")} >>`);
  pages.forEach((commands, i) => {
    const footer = `${options.footer ? options.footer + "    " : ""}Page ${i + 1} of ${pageCount}`;
    const stream = [
      ...commands,
      `BT /F1 8 Tf ${MARGIN} ${MARGIN - 20} Td ${pdfString(footer)} Tj ET`,
    ].join("\n");
    objects.push(
      `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${PAGE_WIDTH} ${PAGE_HEIGHT}] ` +
        `/Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> /Contents ${7 + 2 * i} 0 R >>`,
    );
    objects.push(`<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`);
  });
  // Every character written is one byte (content is ASCII with octal escapes).
  let body = "%PDF-1.3\n%\u00e2\u00e3\u00cf\u00d3\n";
  const offsets: number[] = [];
  objects.forEach((object, i) => {
    offsets.push(body.length);
    body += `${i + 1} 0 obj\n${object}\nendobj\n`;
  });
  const xref = body.length;
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n` +
    offsets.map((o) => `${String(o).padStart(10, "0")} 00000 n \n`).join("") +
    `trailer\n<< /Size ${
      objects.length + 1
    } /Root 1 0 R /Info 5 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  const bytes = new Uint8Array(body.length);
  for (let i = 0; i < body.length; i++) bytes[i] = body.charCodeAt(i) & 0xff;
  return bytes;
}
