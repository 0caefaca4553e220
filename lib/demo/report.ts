/**
 * {@linkcode demoReport}: the analysis `deno task demo` runs on the demo study, end to end
 * through the API (read, type, label, pivot the EAV export, plot, validate and write back a
 * derived variable), rendered as one self-contained HTML page: charts as inline SVG, tables as
 * HTML, no scripts and nothing fetched.
 *
 * @module
 */
import pl from "../deps/polars.ts";
import type { RedcapClient } from "../client.ts";
import { readDictionary } from "../read/dictionary.ts";
import { readEavRecords } from "../read/eav_records.ts";
import { readRecords } from "../read/read_records.ts";
import { splitInstruments } from "../transform/split_instruments.ts";
import { checkBranchingLogic } from "../logic/branching.ts";
import { validateRecords } from "../write/validate.ts";
import { writeRecords } from "../write/write_records.ts";
import type { DataDictionary } from "../dictionary/data_dictionary.ts";
import type { Chart } from "../plot/chart.ts";
import type { ChartField } from "../plot/field_info.ts";
import {
  plotCheckboxes,
  plotChoices,
  plotFormCompletion,
  plotMissingness,
  plotTimeline,
} from "../plot/vega_lite.ts";
import { escapeHtml, htmlTable } from "../jupyter/html_table.ts";
import { type HtmlDisplay, JUPYTER_DISPLAY } from "../jupyter/display.ts";
import { tableOne } from "../analyse/table_one.ts";
import { redactTokens } from "../jupyter/redact.ts";

/** What {@linkcode demoReport} returns. */
export interface DemoReport {
  /** The page: a complete HTML document, tokens redacted. */
  html: string;
  /** Titles of the charts drawn, in page order. */
  charts: string[];
  /** Record-event-instance rows read. */
  rows: number;
  /** Records whose medical history the write-back ticked (diabetes from fasting glucose). */
  flagged: string[];
  /** Values the import wrote (REDCap's count of records imported). */
  imported: number;
  /** Whether reading the flags back found every one of them stored. */
  verified: boolean;
}

/** Glucose (mg/dL) at or above which fasting glucose suggests diabetes. */
const DIABETES_GLUCOSE = 126;

/**
 * Runs the demo analysis against a project shaped like the demo study (two arms, visits
 * Screening to Follow-up, the demo's instruments) and renders the report. It **writes to the
 * project**: participants whose fasting glucose reached 126 mg/dL get *Diabetes mellitus*
 * ticked in their medical history.
 *
 * @example The report of a small demo project
 * ```ts
 * import { demoReport } from "./report.ts";
 * import { createDemoClient } from "./client.ts";
 * import { ok } from "node:assert/strict";
 *
 * const report = await demoReport(createDemoClient({ records: 20 }));
 * ok(report.html.startsWith("<!DOCTYPE html>"));
 * ok(report.charts.length >= 5);
 * ```
 *
 * @param client A client for the demo project (or one built like it).
 * @returns The HTML page and what the analysis found and wrote.
 */
export async function demoReport(client: RedcapClient): Promise<DemoReport> {
  const started = Date.now();
  const dd = await readDictionary(client);
  const info = await client.exportProjectInfo();
  const arms = await client.exportArms();
  const mapping = await client.exportInstrumentEventMappings();

  // Read: typed and labelled; the same frame again from the EAV export.
  const { data, invalid, missing } = await readRecords(client);
  const eavRead = await readEavRecords(client);
  const eavValues = (await client.exportRecords({ type: "eav" })).shape.height;
  const sameFromEav = sameRows(eavRead.data, data, dd);

  // Tidy tables with the arm and the visit.
  const armName = new Map(arms.map((a) => [String(a.arm_num), a.name]));
  const withArm = (df: pl.DataFrame) =>
    df.withColumns(
      pl.col("redcap_event_name").str.extract("_arm_(\\d+)$", 1)
        .replace([...armName.keys()], [...armName.values()]).alias("arm"),
      pl.col("redcap_event_name")
        .replace(dd.events.map((e) => e.uniqueName), dd.events.map((e) => e.label))
        .alias("visit"),
    );
  const forms = splitInstruments(data, dd);
  const form = (name: string) => {
    const frame = forms.get(name);
    if (!frame) throw new Error(`Cannot build the demo report: the project has no form "${name}"`);
    return withArm(frame);
  };
  const enrollment = form("enrollment");
  const vitals = form("vitals");
  const labs = form("labs");
  const qol = form("quality_of_life");
  const adverse = form("adverse_events");
  const armInfo: ChartField = {
    name: "arm",
    label: "Arm",
    type: "choice",
    choices: arms.map((a) => ({ code: a.name, label: a.name })),
  };
  const visit: ChartField = { name: "visit", label: "Visit", type: "choice" };
  const visitOrder = [...new Set(dd.events.map((e) => e.label))];
  const overVisits = {
    x: "visit",
    xInfo: visit,
    events: visitOrder,
    by: "arm",
    byInfo: armInfo,
    summary: "mean" as const,
  };

  const table1 = baselineTable(enrollment, vitals, labs, dd);
  const titled = <T extends object>(title: string, options: T) => ({ ...options, title });
  const charts: Chart[] = [
    plotTimeline(
      vitals,
      dd,
      "sbp",
      titled("Systolic blood pressure by arm (mean, 95% CI)", overVisits),
    ),
    plotTimeline(vitals, dd, "weight", titled("Weight by arm (mean, 95% CI)", overVisits)),
    plotTimeline(
      qol,
      dd,
      "qol_overall",
      titled("Self-rated health by arm (mean, 95% CI)", overVisits),
    ),
    plotChoices(
      adverse,
      dd,
      "ae_severity",
      titled("Adverse events by severity and arm", { by: "arm", byInfo: armInfo }),
    ),
    plotCheckboxes(enrollment, dd, "race", { title: "Race (select all that apply)" }),
    plotFormCompletion(data.filter(pl.col("redcap_event_name").str.endsWith("_arm_1")), {
      forms: dd.forms.map((f) => ({ name: f.name, label: f.label })),
      events: dd.events.filter((e) => e.arm === 1).map((e) => ({
        name: e.uniqueName,
        label: e.label,
      })),
      formEventMapping: mapping,
      title: "Forms marked Complete, arm 1",
    }),
    plotMissingness(atDesignatedVisits(data, dd, "vitals"), {
      fields: dd,
      columns: formFields(dd, "vitals"),
      title: "Missing values, Vital Signs (at its visits)",
    }),
  ];

  // Validate and write back the derived variable.
  const { data: coded } = await readRecords(client, { labels: "code" });
  const hidden = checkBranchingLogic(coded, dd);
  const maxGlucose = labs.groupBy("record_id").agg(pl.col("glucose").max().alias("max_glucose"));
  const candidates = enrollment.select("record_id", "redcap_event_name", "medical_history___dm")
    .join(maxGlucose, { on: "record_id" })
    .filter(pl.col("max_glucose").gtEq(DIABETES_GLUCOSE).and(pl.col("medical_history___dm").not()))
    // Record ids in natural order (2 before 10).
    .withColumns(pl.col("record_id").str.lengths().alias("id_length"))
    .sort(["id_length", "record_id"])
    .drop("id_length");
  const update = candidates.select(
    "record_id",
    "redcap_event_name",
    pl.lit(true).alias("medical_history___dm"),
  );
  const issues = validateRecords(update, dd);
  const preview = await writeRecords(client, update, { dryRun: true, dictionary: dd });
  const flagged = candidates.getColumn("record_id").toArray() as string[];
  const result = flagged.length > 0
    ? await writeRecords(client, update, { dictionary: dd })
    : { count: 0, imported: [] as string[] };
  const readBack = flagged.length > 0
    ? (await readRecords(client, {
      records: flagged,
      fields: ["medical_history"],
      events: dd.events.filter((e) => e.label === "Screening").map((e) => e.uniqueName),
    })).data
    : pl.DataFrame({ record_id: [], medical_history___dm: [] });
  const verified = readBack.shape.height === flagged.length &&
    readBack.getColumn("medical_history___dm").toArray().every((v) => v === true);

  // The page.
  const svgs = await Promise.all(charts.map((chart) => chart.toSVG()));
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const title = String(info.project_title);
  const body = [
    `<h1>${escapeHtml(title)}</h1>`,
    `<p class="lead">An analysis run end to end through the REDCap API by <code>deno task demo` +
    `</code>: ${data.shape.height} rows read, typed and labelled, ${charts.length} charts, one ` +
    `derived variable validated and written back. Synthetic data; built in ${seconds} s.</p>`,
    section(
      "The project",
      htmlTable([
        { setting: "Title", value: title },
        { setting: "IRB number", value: String(info.project_irb_number ?? "") },
        { setting: "Instruments", value: dd.forms.map((f) => f.label).join(", ") },
        { setting: "Arms", value: arms.map((a) => `${a.arm_num}: ${a.name}`).join(", ") },
        { setting: "Visits", value: visitOrder.join(", ") },
        {
          setting: "Repeating",
          value: dd.forms.filter((f) => dd.formRepeats(f.name)).map((f) => f.label).join(", "),
        },
        { setting: "Missing-data codes", value: String(info.missing_data_codes ?? "") },
      ], { dtypes: false }),
    ),
    section(
      "Reading the records",
      `<p>One flat export of ${data.shape.height} record-event-instance rows × ` +
        `${data.shape.width} columns, typed from the data dictionary (${invalid.shape.height} ` +
        `values failed to cast; ${missing.shape.height} missing-data codes set to null). The ` +
        `EAV export (${eavValues} values, one per row) pivoted back gives ` +
        `${sameFromEav ? "the same frame" : "a different frame"}.</p>`,
      htmlTable(
        [...forms].map(([name, frame]) => ({
          instrument: dd.form(name)?.label ?? name,
          rows: frame.shape.height,
          columns: frame.shape.width,
          repeating: dd.formRepeats(name) ? "yes" : "",
        })),
        { title: "Tidy tables, one per instrument", dtypes: false },
      ),
    ),
    section(
      "Baseline characteristics",
      `<h3>Table 1</h3>`,
      table1[JUPYTER_DISPLAY]()["text/html"],
    ),
    section(
      "Charts",
      svgs.map((svg) => `<figure>${svg}</figure>`).join("\n"),
    ),
    section(
      "Write-back: diabetes from fasting glucose",
      `<p>Participants whose fasting glucose reached ${DIABETES_GLUCOSE} mg/dL at a lab visit, ` +
        `without <em>Diabetes mellitus</em> ticked in their medical history: ` +
        `${flagged.length}. Values hidden by branching logic: ${hidden.shape.height}. ` +
        `Validation issues in the update: ${issues.length}. The dry run would change ` +
        `${preview.changes?.size ?? 0} values; the import wrote ${result.count} records; ` +
        `reading them back ${verified ? "found every flag stored" : "did NOT find every flag"}.` +
        `</p>`,
      htmlTable(preview.changes?.toFrame() ?? [], {
        title: "Dry run: the values the import would change",
        maxRows: 30,
        dtypes: false,
      }),
    ),
  ].join("\n");
  return {
    html: redactTokens(page(title, body)),
    charts: charts.map((chart) => String(chart.spec.title)),
    rows: data.shape.height,
    flagged,
    imported: result.count,
    verified,
  };
}

/** Whether two frames hold the same rows (file fields aside: EAV gives doc ids there). */
function sameRows(a: pl.DataFrame, b: pl.DataFrame, dd: DataDictionary): boolean {
  const files = dd.fields.filter((f) => f.type === "file").map((f) => f.name);
  const key = [dd.recordIdField, ...dd.structuralColumns()].filter((c) => a.columns.includes(c));
  const rows = (df: pl.DataFrame) =>
    JSON.stringify(df.drop(files.filter((f) => df.columns.includes(f))).sort(key).toRecords());
  return a.shape.width === b.shape.width && rows(a) === rows(b);
}

/** Rows of the events a form is designated to (one per record and event; a missed visit
 * stays as an empty row there). */
function atDesignatedVisits(data: pl.DataFrame, dd: DataDictionary, form: string): pl.DataFrame {
  const events = dd.events.filter((e) => dd.designatedForms(e.uniqueName).includes(form))
    .map((e) => e.uniqueName);
  return data.filter(pl.col("redcap_event_name").isIn(events))
    .filter(pl.col("redcap_repeat_instrument").isNull());
}

/** A form's data fields (no status, no file uploads). */
function formFields(dd: DataDictionary, form: string): string[] {
  return (dd.form(form)?.fields ?? []).filter((f) =>
    !f.endsWith("_complete") && dd.field(f)?.type !== "file" && dd.field(f)?.type !== "descriptive"
  );
}

/**
 * Table 1: baseline characteristics by arm, with `tableOne()`: one row per participant
 * (enrollment joined to the baseline vitals and labs), n (%) per level in dictionary order,
 * mean (SD) for numbers, row labels from the dictionary.
 */
function baselineTable(
  enrollment: pl.DataFrame,
  vitals: pl.DataFrame,
  labs: pl.DataFrame,
  dd: DataDictionary,
): pl.DataFrame & HtmlDisplay {
  const atBaseline = (df: pl.DataFrame) => df.filter(pl.col("visit").eq(pl.lit("Baseline")));
  const baseline = enrollment
    .join(atBaseline(vitals).select("record_id", "bmi", "sbp", "smoker"), {
      on: "record_id",
      how: "left",
    })
    .join(atBaseline(labs).select("record_id", "glucose"), { on: "record_id", how: "left" });
  return tableOne(baseline, dd, {
    by: "arm",
    fields: ["sex", "medical_history", "smoker", "bmi", "sbp", "glucose"],
  });
}

function section(title: string, ...content: string[]): string {
  return `<section>\n<h2>${escapeHtml(title)}</h2>\n${content.join("\n")}\n</section>`;
}

const PAGE_STYLE = `
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 2rem auto;
  max-width: 1200px; padding: 0 1rem; color: #222; line-height: 1.45; }
h1 { font-size: 1.7rem; margin-bottom: .2rem; }
h2 { font-size: 1.25rem; border-bottom: 1px solid #ddd; padding-bottom: .2rem; margin-top: 2rem; }
.lead { color: #555; }
figure { display: inline-block; vertical-align: top; margin: 0 1rem 1.5rem 0; }
table.denocap-table { margin: .5rem 0 1rem; }
caption { text-align: left; padding-bottom: .3rem; }
`;

function page(title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}: denocap demo report</title>
<style>${PAGE_STYLE}</style>
</head>
<body>
${body}
<footer><p class="lead">Made with denocap. No data left this machine.</p></footer>
</body>
</html>
`;
}
