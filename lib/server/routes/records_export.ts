/**
 * `content=record` export: reads the request's parameters, checks the token user's rights,
 * reads the records from the store and answers with {@linkcode exportRecords}.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { type ApiContext, ApiError, ok, type Params } from "../_http.ts";
import { compileFilterLogic } from "../_filter_logic.ts";
import { type ExportPlan, planExport, pointSelection } from "../records/export_plan.ts";
import { exportRecordChunks, NO_EXPORT_ACCESS } from "../records/export.ts";
import { exportProjectXml } from "./project_admin.ts";
import type { ExportRecordInput, RecordExportOptions } from "../records/export.ts";
import type { DataPoint, StoredRow } from "../project.ts";
import type { RedcapStore } from "../store.ts";
import { formExportRight } from "./rights.ts";

/** REDCap's message for a token whose user lacks the API Export right. */
const NO_EXPORT_RIGHT = "You do not have API Export privileges";

const DELIMITERS: Record<string, string> = { ",": ",", tab: "\t", ";": ";", "|": "|", "^": "^" };

/** The export's `csvDelimiter` (`tab`, `;`, `|`, `^`); a comma when absent or unknown. */
export function csvDelimiterOf(params: Params): string {
  return DELIMITERS[(params.get("csvDelimiter") ?? ",").trim().toLowerCase()] ?? ",";
}

/**
 * REDCap's `reformatDate`: `YYYY-MM-DD[ HH:MM[:SS]]` (also `/` and `T`) to server time
 * `YYYY-MM-DD HH:MM:SS`; a missing time is the start (or end) of the day. `undefined` when the
 * text is not a date.
 */
function normalizeDateBound(text: string, end: boolean): string | undefined {
  const nodes = text.trim().split(/[\sT]+/);
  const date = /^(\d+)[-/](\d+)[-/](\d+)$/.exec(nodes[0] ?? "");
  if (!date) return undefined;
  const pad = (s: string) => s.padStart(2, "0");
  let time = end ? ["23", "59", "59"] : ["00", "00", "00"];
  if (nodes.length === 2) {
    const parts = nodes[1].split(/[:.]/);
    if (parts.length === 3) time = parts.map(pad);
    else if (parts.length === 2) time = [pad(parts[0]), pad(parts[1]), "00"];
  }
  return `${date[1]}-${pad(date[2])}-${pad(date[3])} ${time.join(":")}`;
}

/**
 * A record to export as the store read it: its stored rows, and its data points made from them
 * only if a writer or `filterLogic` asks (the flat writer reads the rows).
 */
class StoredRecord implements ExportRecordInput {
  #points?: DataPoint[];
  constructor(
    readonly record: string,
    readonly dag: string,
    readonly rows: readonly StoredRow[],
  ) {}

  get points(): DataPoint[] {
    const record = this.record;
    return this.#points ??= this.rows.map(([event_id, instance, field_name, value]) => ({
      record,
      event_id,
      instance,
      field_name,
      value,
    }));
  }
}

/**
 * Reads the records to export from the store, one at a time: only the data points of `only`
 * when given (see {@linkcode pointSelection}), else every point.
 */
function* readInputs(
  store: RedcapStore,
  projectId: number,
  names: string[],
  dags: Map<string, string>,
  only: ReturnType<typeof pointSelection>,
): Generator<ExportRecordInput> {
  // Key order, one record per read: the writers order rows themselves, SQLite skips a sort,
  // and each step of a streamed body stays short.
  for (const { record, rows } of store.readRecordRows(projectId, names, only)) {
    yield new StoredRecord(record, dags.get(record) ?? "", rows);
  }
}

/**
 * Whether any stored value of the selection sits in a repeating instrument or event (REDCap's
 * `$hasRepeatedInstances`), asked of SQLite up front so that an EAV body can stream.
 */
function hasRepeatedValues(
  store: RedcapStore,
  projectId: number,
  plan: ExportPlan,
  records: string[] | undefined,
): boolean {
  const { model } = plan;
  if (!model.hasRepeating) return false;
  const pairs: { eventId: number; field: string }[] = [];
  for (const event of plan.events.values()) {
    for (const field of plan.fields) {
      if (model.repeats(event, model.formOf(field)!)) {
        pairs.push({ eventId: event.event_id, field });
      }
    }
  }
  return store.hasValuesIn(projectId, pairs, records);
}

/** Answers `content=record` exports (flat or EAV; csv, json or xml). */
export function exportRecordsRoute(ctx: ApiContext): Response {
  const { params, store, projectId, project, grant } = ctx;
  const rights = grant.rights;
  if (!rights.api_export) throw new ApiError(403, NO_EXPORT_RIGHT);
  // Form-level export rights (`forms_export`, the legacy `data_export` where not set): no
  // access to every form is "No Access"; otherwise each form's fields follow its own level.
  const formLevels: Record<string, number> = {};
  for (const form of project.forms) formLevels[form.name] = formExportRight(rights, form.name);
  if (!Object.values(formLevels).some((level) => level > 0)) {
    throw new ApiError(403, NO_EXPORT_ACCESS);
  }
  // format=odm: REDCap answers a CDISC ODM document of the records' data (ClinicalData).
  if (ctx.format === "odm") return exportProjectXml(ctx, true);
  const format = ctx.format;
  const lower = (name: string) => (params.get(name) ?? "").trim().toLowerCase();
  const stripRecord = (v: string) => v.replaceAll("'", "").trim();

  const userDag = (rights.data_access_group ?? "").trim();
  const labels = lower("rawOrLabel") === "label";
  const type = lower("type") === "eav" ? "eav" : "flat";
  const level = Math.min(3, Math.max(1, Number(rights.data_export ?? 1))) as 1 | 2 | 3;
  const decimal = params.get("decimalCharacter");
  const options: RecordExportOptions = {
    format,
    type,
    fields: params.list("fields"),
    forms: params.list("forms"),
    events: params.list("events"),
    labels,
    labelHeaders: format === "csv" && type === "flat" && lower("rawOrLabelHeaders") === "label",
    checkboxLabels: labels && params.bool("exportCheckboxLabel"),
    surveyFields: params.bool("exportSurveyFields"),
    dataAccessGroups: params.bool("exportDataAccessGroups") && userDag === "",
    blankForGrayFormStatus: params.bool("exportBlankForGrayFormStatus"),
    csvDelimiter: csvDelimiterOf(params),
    decimalCharacter: decimal === "," || decimal === "." ? decimal : "",
    exportLevel: level >= 2 ? level : 1,
    formExportLevels: formLevels,
  };
  const idField = project.fieldByName.get(project.recordIdField);
  // Record names are hashed when the record ID is an identifier and its form's export rights
  // are de-identified or remove identifiers (REDCap's `$hashRecordID`).
  const idLevel = idField ? formLevels[idField.form_name] ?? level : level;
  if (idLevel >= 2 && idField?.identifier === "y") {
    options.hashRecordId = (record) => createHash("md5").update(record).digest("hex");
  }
  const plan = planExport(project, options); // REDCap checks events, fields and forms first
  const filterLogic = params.get("filterLogic") ?? "";
  if (filterLogic.trim() !== "") options.filter = compileFilterLogic(project, filterLogic);

  // Record selection: DAG, `records`, date range; order is the store's (REDCap's) order.
  const entries = store.records(projectId, userDag === "" ? {} : { dag: userDag });
  const dags = new Map<string, string>();
  const names: string[] = [];
  for (const entry of entries) {
    if (dags.has(entry.record)) continue;
    dags.set(entry.record, entry.dag);
    names.push(entry.record);
  }
  let selected = names;
  const requested = params.list("records")?.map(stripRecord).filter((r) => r !== "");
  if (requested) {
    const wanted = new Set(requested);
    selected = selected.filter((r) => wanted.has(r));
  }
  const beginText = (params.get("dateRangeBegin") ?? "").trim();
  const endText = (params.get("dateRangeEnd") ?? "").trim();
  if (beginText !== "" || endText !== "") {
    const begin = normalizeDateBound(beginText, false) ?? "2004-08-01 00:00:00";
    const end = normalizeDateBound(endText, true) ?? store.timestamp();
    const changed = store.recordsChangedBetween(projectId, begin, end);
    selected = selected.filter((r) => changed.has(r));
  }
  if (type === "flat") options.fileNames = store.fileNames(projectId);
  else if (!options.filter) {
    const restricted = selected.length !== names.length || userDag !== "";
    options.eavRepeated = hasRepeatedValues(
      store,
      projectId,
      plan,
      restricted ? selected : undefined,
    );
  }

  const inputs = readInputs(store, projectId, selected, dags, pointSelection(plan));
  const parts = exportRecordChunks(project, inputs, options);
  // REDCap logs every API export (action "Data export (API)") with the format and options used.
  const details: Record<string, string> = {
    export_format: format.toUpperCase(),
    rawOrLabel: params.get("rawOrLabel") ?? "raw",
  };
  if (options.dataAccessGroups && project.dags.length > 0) details.export_data_access_group = "Yes";
  if (options.surveyFields && project.forms.some((f) => f.survey)) {
    details.export_survey_fields = "Yes";
  }
  store.log({
    project_id: projectId,
    username: grant.username,
    action: "EXPORT",
    record: "",
    event_id: null,
    details: JSON.stringify(details),
    description: "Data export (API)",
  });
  return new Response(streamParts(parts), { status: 200, headers: ok("", format).headers });
}

/**
 * A response body that pulls the export's parts one at a time: a big export is never one
 * string (V8 caps strings at about 512 MiB, which a 100,000-record JSON export exceeds) and
 * never sits in memory whole.
 *
 * Each pull works for at most {@linkcode PULL_BUDGET_MS} (or 1 MiB, and at least one part: the
 * flat writer's parts are 500 rows, about 4 ms), then gives the event loop a turn before the
 * next: the body's writes to a socket mostly complete at once, so without that turn the whole
 * export ran as one chain of promise callbacks and every other request waited for its end (13 s
 * behind a 100,000-record export).
 *
 * The turn is a `setTimeout(0)`, which waits at least 1 ms and fires on a 1 ms tick (about
 * 2.2 ms in all): a fresh one after every step left the process idle for about 0.55 s of a 5 s
 * export (264 steps at 100,000 records). So the timer of the next turn is started when a step
 * begins: by the time the step is built it has expired, and the wait is only the event loop's
 * turn (reading requests that arrived, writing the chunk: about 0.6 ms). One such turn does not
 * take a new connection from accept to answer (it needs a few turns), so a fresh timer, with its
 * idle wait, still comes at least every {@linkcode IDLE_TURN_MS}: a request on a new connection
 * sent as a 100,000-record export starts waited 25 to 89 ms, later ones at most 28 ms. A
 * timer is needed either way: `setImmediate`, a `MessageChannel` or an async op finished on
 * another thread resume without Deno reading a request that arrived meanwhile
 * (docs/server_speed.md).
 */
function streamParts(parts: Iterator<string>): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let turn = nextTurn();
  let idleTurnAt = performance.now();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      await turn.done;
      if (performance.now() - idleTurnAt >= IDLE_TURN_MS) {
        turn = nextTurn();
        await turn.done;
        idleTurnAt = performance.now();
      }
      turn = nextTurn();
      const deadline = performance.now() + PULL_BUDGET_MS;
      let batch = "";
      while (batch.length < 1 << 20 && (batch === "" || performance.now() < deadline)) {
        const next = parts.next();
        if (next.done) {
          turn.cancel();
          if (batch !== "") controller.enqueue(encoder.encode(batch));
          controller.close();
          return;
        }
        batch += next.value;
      }
      controller.enqueue(encoder.encode(batch));
    },
    cancel() {
      turn.cancel();
    },
  });
}

/** Longest stretch an export's body is built without letting other requests in. */
const PULL_BUDGET_MS = 10;

/** Longest stretch between two turns that wait on a fresh timer (see {@linkcode streamParts}). */
const IDLE_TURN_MS = 20;

/** A later turn of the event loop, asked for now: `done` resolves after pending I/O. */
interface Turn {
  /** Resolves in a later turn of the event loop (after pending I/O, such as new requests). */
  done: Promise<void>;
  /** Stops the timer (the body has ended or was cancelled; `done` then never resolves). */
  cancel(): void;
}

/** Starts a {@linkcode Turn}: a `setTimeout(0)`. */
function nextTurn(): Turn {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const done = new Promise<void>((resolve) => timer = setTimeout(resolve, 0));
  return { done, cancel: () => clearTimeout(timer) };
}
