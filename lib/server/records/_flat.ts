/**
 * The flat record export: one row per record × event × repeat instrument/instance, columns in
 * REDCap's order, serialised as CSV, JSON or XML.
 *
 * Everything that depends only on the project and the request (columns, their indexes, each
 * event's default cells) is computed once; per record the writer only groups data points into
 * rows and joins strings.
 *
 * @module
 */
import { cdata, csvCell, XML_DECLARATION } from "../_http.ts";
import type { EventModel } from "../model.ts";
import {
  exportLabel,
  type ExportPlan,
  type ExportRecordInput,
  exportValue,
  plainLabel,
  type ValueTransform,
} from "./export_plan.ts";

type ColumnKind =
  | "id"
  | "event"
  | "instrument"
  | "instance"
  | "dag"
  | "survey"
  | "timestamp"
  | "field"
  | "checkbox"
  | "complete";

interface Column {
  kind: ColumnKind;
  name: string;
  labelHeader: string;
  form: string;
  field: string;
  code: string;
}

/** Row context of a form in an event: its base row, its own repeating rows, or the event's. */
const BASE = 0, INSTRUMENT = 1, REPEAT_EVENT = 2;

interface EventPlan {
  event: EventModel;
  /** Form → row context; forms not designated for the event are absent. */
  context: Map<string, number>;
  /** The same by form index (a field plan's `rank`), `BASE` where the form is absent. */
  contexts: number[];
  /** Default cells of the base row (or of every row of a repeating event). */
  baseDefaults: string[];
  /** Default cells of each repeating form's rows. */
  instrumentDefaults: Map<string, string[]>;
}

interface FieldPlan {
  form: string;
  /** Index of the form in the project: the event's `contexts`, and row order (rank + 1). */
  rank: number;
  /** Column of a plain field, form status or survey timestamp; -1 for a checkbox. */
  column: number;
  /** Checkbox columns by code. */
  checkbox?: Map<string, number>;
  isId: boolean;
  transform?: ValueTransform;
}

interface Row {
  event: EventPlan;
  /** Repeating form of the row, `""` for base rows and repeating-event rows. */
  form: string;
  /** 0 for base rows. */
  instance: number;
  sortKey: number;
  cells: string[];
  /** Whether a value other than the record id landed in the row. */
  hasData: boolean;
}

/** Builds the columns of a flat export. */
function buildColumns(plan: ExportPlan): Column[] {
  const { model, options } = plan;
  const columns: Column[] = [];
  const add = (
    kind: ColumnKind,
    name: string,
    labelHeader: string,
    form = "",
    field = "",
    code = "",
  ) => columns.push({ kind, name, labelHeader, form, field, code });
  const surveys = options.surveyFields === true && model.forms.some((f) => f.survey);
  const dags = options.dataAccessGroups === true && model.dags.length > 0;
  for (const form of model.forms) {
    const timestamp = surveys && form.survey && plan.formsExported.has(form.name);
    let timestampPlaced = !timestamp;
    for (const field of form.fields) {
      const name = field.field_name;
      if (!plan.selected.has(name)) continue;
      if (name === model.recordIdField) {
        add("id", name, plainLabel(field.field_label), form.name, name);
        if (model.longitudinal) add("event", "redcap_event_name", "Event Name");
        if (model.hasRepeating) {
          add("instrument", "redcap_repeat_instrument", "Repeat Instrument");
          add("instance", "redcap_repeat_instance", "Repeat Instance");
        }
        if (dags) add("dag", "redcap_data_access_group", "Data Access Group");
        if (surveys) add("survey", "redcap_survey_identifier", "Survey Identifier");
        continue;
      }
      if (!timestampPlaced) {
        add("timestamp", `${form.name}_timestamp`, "Survey Timestamp", form.name);
        timestampPlaced = true;
      }
      if (field.field_type === "checkbox") {
        const labels = new Map(model.choices(name).map((c) => [c.code, c.label]));
        for (const m of model.missingDataCodes) {
          if (!labels.has(m.code)) labels.set(m.code, m.label);
        }
        const fieldLabel = plainLabel(field.field_label);
        for (const { code, column } of model.checkboxColumns(name)) {
          const choice = plainLabel(labels.get(code) ?? code);
          add("checkbox", column, `${fieldLabel} (choice=${choice})`, form.name, name, code);
        }
      } else add("field", name, plainLabel(field.field_label), form.name, name);
    }
    const complete = `${form.name}_complete`;
    if (plan.selected.has(complete)) {
      if (!timestampPlaced) {
        add("timestamp", `${form.name}_timestamp`, "Survey Timestamp", form.name);
      }
      add("complete", complete, "Complete?", form.name, complete);
    }
  }
  return columns;
}

/** The default cells of a row in which the given forms apply. */
function defaultsFor(plan: ExportPlan, columns: Column[], applies: (form: string) => boolean) {
  const { options } = plan;
  const unchecked = options.labels ? (options.checkboxLabels ? "" : "Unchecked") : "0";
  const gray = options.blankForGrayFormStatus ? "" : options.labels ? "Incomplete" : "0";
  return columns.map((c) => {
    if (c.kind === "checkbox" && applies(c.form)) return unchecked;
    if (c.kind === "complete" && applies(c.form)) return gray;
    return "";
  });
}

function planEvents(plan: ExportPlan, columns: Column[]): Map<number, EventPlan> {
  const { model } = plan;
  const result = new Map<number, EventPlan>();
  for (const event of plan.events.values()) {
    const context = new Map<string, number>();
    for (const form of model.forms) {
      if (!model.isDesignated(event, form.name)) continue;
      const repeats = model.repeats(event, form.name);
      context.set(
        form.name,
        repeats === "event" ? REPEAT_EVENT : repeats === "instrument" ? INSTRUMENT : BASE,
      );
    }
    const baseDefaults = defaultsFor(plan, columns, (f) => {
      const c = context.get(f);
      return c === BASE || c === REPEAT_EVENT;
    });
    const instrumentDefaults = new Map<string, string[]>();
    for (const [form, c] of context) {
      if (c === INSTRUMENT) {
        instrumentDefaults.set(
          form,
          defaultsFor(plan, columns, (f) => f === form),
        );
      }
    }
    const contexts = model.forms.map((f) => context.get(f.name) ?? BASE);
    result.set(event.event_id, { event, context, contexts, baseDefaults, instrumentDefaults });
  }
  return result;
}

/** Writes flat exports for one plan; feed it records, then take the body. */
export class FlatWriter {
  readonly #plan: ExportPlan;
  readonly #columns: Column[];
  readonly #events: Map<number, EventPlan>;
  readonly #fields = new Map<string, FieldPlan>();
  readonly #formOrder: Map<string, number>;
  readonly #chunks: string[] = [];
  #lines: string[] = [];
  #rows = 0;
  readonly #format: "csv" | "json" | "xml";
  readonly #delimiter: string;
  /** Per column: JSON key prefix or XML tags. */
  readonly #open: string[];
  readonly #close: string[];
  readonly #dagLabels: Map<string, string>;
  readonly #idColumn: number;
  readonly #instanceColumn: number;
  /** Matches a cell PHP's fputcsv would quote. */
  readonly #special: RegExp;

  constructor(plan: ExportPlan) {
    this.#plan = plan;
    const { model, options } = plan;
    this.#format = options.format ?? "xml";
    this.#delimiter = options.csvDelimiter ?? ",";
    this.#columns = buildColumns(plan);
    this.#events = planEvents(plan, this.#columns);
    this.#formOrder = new Map(model.forms.map((f, i) => [f.name, i]));
    this.#idColumn = this.#columns.findIndex((c) => c.kind === "id");
    this.#instanceColumn = this.#columns.findIndex((c) => c.kind === "instance");
    const escaped = this.#delimiter.replace(/[\\^$.*+?()[\]{}|-]/g, "\\$&");
    this.#special = new RegExp(`[${escaped}"\\n\\r\\t ]`);
    if (this.#format === "csv") {
      // CSV cells are quoted as they are placed (see #serialize): the defaults once here.
      for (const eventPlan of this.#events.values()) {
        eventPlan.baseDefaults = eventPlan.baseDefaults.map((v) => this.#csv(v));
        for (const [form, cells] of eventPlan.instrumentDefaults) {
          eventPlan.instrumentDefaults.set(form, cells.map((v) => this.#csv(v)));
        }
      }
    }
    this.#columns.forEach((c, index) => {
      if (c.kind === "checkbox") {
        let fieldPlan = this.#fields.get(c.field);
        if (!fieldPlan) {
          fieldPlan = {
            form: c.form,
            rank: this.#formOrder.get(c.form)!,
            column: -1,
            checkbox: new Map(),
            isId: false,
          };
          this.#fields.set(c.field, fieldPlan);
        }
        fieldPlan.checkbox!.set(c.code, index);
      } else if (c.kind === "field" || c.kind === "complete" || c.kind === "timestamp") {
        this.#fields.set(c.kind === "timestamp" ? c.name : c.field, {
          form: c.form,
          rank: this.#formOrder.get(c.form)!,
          column: index,
          isId: false,
          transform: plan.transforms.get(c.field),
        });
      }
    });
    // The record id marks the rows a record has, exported or not.
    const idForm = model.formOf(model.recordIdField)!;
    this.#fields.set(model.recordIdField, {
      form: idForm,
      rank: this.#formOrder.get(idForm)!,
      column: this.#idColumn,
      isId: true,
    });
    this.#dagLabels = new Map(
      model.dags.map((d) => [
        d.unique_group_name,
        options.labels ? d.data_access_group_name : d.unique_group_name,
      ]),
    );
    const names = this.#columns.map((c) => c.name);
    if (this.#format === "json") {
      this.#open = names.map((n, i) => (i === 0 ? "{" : ",") + JSON.stringify(n) + ":");
      this.#close = [];
    } else {
      this.#open = names.map((n) => `<${n}>`);
      this.#close = names.map((n) => `</${n}>`);
    }
  }

  /** The header line (CSV) with raw names or label headers. */
  #header(): string {
    const labels = this.#plan.options.labelHeaders === true;
    return this.#columns.map((c) => csvCell(labels ? c.labelHeader : c.name, this.#delimiter))
      .join(this.#delimiter);
  }

  /** Adds one record's rows. */
  add(input: ExportRecordInput): void {
    const plan = this.#plan;
    const { model, options } = plan;
    const rows = new Map<number, Row>();
    const fileNames = options.fileNames;
    // CSV: each cell is quoted (PHP fputcsv's rule) when it is placed, so a row's line is one
    // join, and only the cells taken from data are tested (not every default "0").
    const csv = this.#format === "csv";
    const special = this.#special;
    const delimiter = this.#delimiter;
    // Points come grouped by event (the store's key order): the last event's plan and
    // the last row are looked up again only when they change.
    let lastEventId = NaN;
    let lastEventPlan: EventPlan | undefined;
    let lastRow: Row | undefined;
    // Stored rows `[event_id, instance, field_name, value]` when the caller read them so (the
    // bulk export: no object per value), else the points.
    const stored = input.rows ??
      input.points.map((p) => [p.event_id, p.instance, p.field_name, p.value] as const);
    for (let p = 0; p < stored.length; p++) {
      const point = stored[p];
      const eventId = point[0], pointInstance = point[1], fieldName = point[2], value = point[3];
      const fieldPlan = this.#fields.get(fieldName);
      if (!fieldPlan) continue;
      if (eventId !== lastEventId) {
        lastEventId = eventId;
        lastEventPlan = this.#events.get(lastEventId);
      }
      const eventPlan = lastEventPlan;
      if (!eventPlan) continue;
      const context = eventPlan.contexts[fieldPlan.rank];
      let form = "";
      let instance = 0;
      if (context === INSTRUMENT) {
        if (fieldPlan.isId) {
          if (pointInstance > 1) continue;
        } else {
          form = fieldPlan.form;
          instance = pointInstance;
        }
      } else if (context === REPEAT_EVENT || eventPlan.event.repeatingEvent) {
        instance = pointInstance;
      } else if (pointInstance > 1) continue;
      if (fieldPlan.checkbox && fieldPlan.checkbox.get(value) === undefined) continue;
      const formRank = form === "" ? 0 : fieldPlan.rank + 1;
      const sortKey = (eventPlan.event.order * 10000 + formRank) * 1e6 + instance;
      let row = lastRow?.sortKey === sortKey ? lastRow : rows.get(sortKey);
      if (!row) {
        const defaults = form === ""
          ? eventPlan.baseDefaults
          : eventPlan.instrumentDefaults.get(form)!;
        row = {
          event: eventPlan,
          form,
          instance,
          sortKey,
          cells: defaults.slice(),
          hasData: false,
        };
        rows.set(sortKey, row);
      }
      lastRow = row;
      if (fieldPlan.isId) continue;
      row.hasData = true;
      let column: number, cell: string;
      if (fieldPlan.column >= 0) {
        column = fieldPlan.column;
        cell = exportValue(plan, fieldPlan.transform, value, fileNames);
      } else {
        column = fieldPlan.checkbox!.get(value)!;
        cell = options.labels
          ? (options.checkboxLabels ? checkboxLabel(plan, fieldName, value) : "Checked")
          : "1";
      }
      row.cells[column] = csv && cell !== "" && special.test(cell)
        ? csvCell(cell, delimiter)
        : cell;
    }
    if (rows.size === 0) return;
    let ordered = [...rows.values()];
    if (ordered.length > 1) {
      ordered.sort((a, b) => a.sortKey - b.sortKey);
      // REDCap leaves out an event's base row when only repeating instruments hold data there
      // (redcap-etl's REDCap 9.1.3 export: no blank `home_visit_arm_1` row before the
      // instances). A base row with nothing but the record id stays when it is all there is.
      ordered = ordered.filter((row, i) =>
        row.form !== "" || row.hasData || row.event.event.repeatingEvent ||
        ordered[i + 1]?.event !== row.event
      );
    }
    if (options.filter) {
      const verdicts = new Map<number, boolean>();
      ordered = ordered.filter((row) => {
        const id = row.event.event.event_id;
        let pass = verdicts.get(id);
        if (pass === undefined) {
          pass = options.filter!(input.record, input.points, row.event.event);
          verdicts.set(id, pass);
        }
        return pass;
      });
    }
    let recordName = options.hashRecordId ? options.hashRecordId(input.record) : input.record;
    let dag = this.#dagLabels.get(input.dag) ?? "";
    if (csv) {
      recordName = this.#csv(recordName);
      dag = this.#csv(dag);
    }
    for (const row of ordered) {
      const cells = row.cells;
      const repeating = row.form !== "" || row.event.event.repeatingEvent;
      for (let i = 0; i < this.#columns.length; i++) {
        switch (this.#columns[i].kind) {
          case "id":
            cells[i] = recordName;
            break;
          case "event":
            cells[i] = options.labels
              ? this.#csvIf(csv, model.eventLabel(row.event.event))
              : row.event.event.unique_event_name;
            break;
          case "instrument":
            cells[i] = row.form === ""
              ? ""
              : options.labels
              ? this.#csvIf(csv, exportLabel(model.formByName.get(row.form)!.label))
              : row.form;
            break;
          case "instance":
            cells[i] = repeating ? String(row.instance) : "";
            break;
          case "dag":
            cells[i] = dag;
            break;
          default:
            i = this.#columns.length; // structural columns come first
        }
      }
      this.#lines.push(this.#serialize(cells, repeating));
    }
    this.#rows += ordered.length;
    // Parts of 500 rows (about 4 ms to build): a streamed body's step can stop within its budget.
    if (this.#lines.length >= 500) this.#flush();
  }

  /** A CSV cell as PHP's fputcsv writes it (csvCell's rule, one regex test when plain). */
  #csv(value: string): string {
    return value !== "" && this.#special.test(value) ? csvCell(value, this.#delimiter) : value;
  }

  #csvIf(csv: boolean, value: string): string {
    return csv ? this.#csv(value) : value;
  }

  #serialize(cells: string[], repeating: boolean): string {
    const n = cells.length;
    // CSV: every cell was quoted where it was placed (defaults, data, structural columns), so
    // the line is one join (cheaper than a line grown cell by cell).
    if (this.#format === "csv") return cells.join(this.#delimiter);
    const open = this.#open;
    if (this.#format === "json") {
      let line = "";
      for (let i = 0; i < n; i++) {
        const v = cells[i];
        line += open[i] +
          (i === this.#instanceColumn && repeating
            ? v
            : JSON_PLAIN.test(v)
            ? '"' + v + '"'
            : JSON.stringify(v));
      }
      return line + "}";
    }
    const close = this.#close;
    let line = "<item>";
    for (let i = 0; i < n; i++) {
      const v = cells[i];
      line += open[i] +
        (v === "" ? "" : v.includes("]]>") ? cdata(v) : "<![CDATA[" + v + "]]>") + close[i];
    }
    return line + "</item>";
  }

  #flush(): void {
    if (this.#lines.length === 0) return;
    if (this.#format === "json") {
      this.#chunks.push((this.#rows > this.#lines.length ? "," : "") + this.#lines.join(","));
    } else {
      // REDCap 14+ writes the CSV header only above rows: an export that matches no record is an
      // empty body (REDCapR #624), so the header goes out with the first rows.
      const first = this.#format === "csv" && this.#rows === this.#lines.length;
      this.#chunks.push((first ? this.#header() + "\n" : "") + this.#lines.join("\n") + "\n");
    }
    this.#lines = [];
  }

  /** The start of the body: nothing (CSV: the header comes with the first rows), `[`, or the XML
   * declaration and `<records>`. */
  begin(): string {
    if (this.#format === "csv") return "";
    if (this.#format === "json") return "[";
    return `${XML_DECLARATION}\n<records>\n`;
  }

  /** Takes the body parts finished so far (each a few thousand rows). */
  take(): string[] {
    return this.#chunks.splice(0);
  }

  /** Takes the remaining parts, closing the body. */
  finish(): string[] {
    this.#flush();
    const parts = this.take();
    if (this.#format === "json") parts.push("]");
    else if (this.#format === "xml") parts.push("</records>\n");
    return parts;
  }

  /** Number of rows written so far. */
  get rowCount(): number {
    return this.#rows;
  }
}

/** Text JSON.stringify would leave unescaped (no quote, backslash, control or surrogate). */
// deno-lint-ignore no-control-regex
const JSON_PLAIN = /^[^"\\\u0000-\u001f\ud800-\udfff]*$/;

function checkboxLabel(plan: ExportPlan, field: string, code: string): string {
  return plan.transforms.get(field)?.labels?.get(code) ?? plan.missingLabels.get(code) ?? code;
}
