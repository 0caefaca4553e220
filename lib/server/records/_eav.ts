/**
 * The EAV record export (`type=eav`): one row per stored, non-blank data point, as REDCap's
 * `API/record/export.php` builds it.
 *
 * - Columns: `record`, `redcap_event_name` (longitudinal), `redcap_repeat_instrument` and
 *   `redcap_repeat_instance` (only when the data set holds repeated instances), `field_name`,
 *   `value`. REDCap's CSV keeps its row keys' order instead: `record, field_name, value`, then the
 *   repeat columns, then `redcap_event_name`.
 * - A checkbox gives one row per checked code, value = the code (label mode: its label).
 * - File fields give the stored doc id, not the file name, in CSV, JSON and XML alike: REDCap
 *   builds every EAV format from the `redcap_data` rows, where a file field holds its doc id
 *   (REDCapR's live 14.x EAV CSV export gives `mugshot` = 22, where its flat export gives
 *   `mugshot-1.jpg`).
 * - Rows are sorted by arm, event day offset, event name and (in projects with repeating data)
 *   instance, as REDCap's SQL sorts them. Within that REDCap keeps its storage order, which for
 *   data imported or saved form by form is dictionary order; our store reads values in key
 *   order (checkbox codes sorted as text), so we use dictionary order there. REDCap differs
 *   where a calculated field was saved after the form (the corpus' `bmi` comes last). With
 *   `fields`, a record-event's rows follow the order of that parameter.
 * - EAV CSV is CSV-injection sanitised: a value starting with `=`, `-`, `+` or `@` gets a TAB
 *   in front (REDCap's `arrayToCsv(..., sanitize=true)`), so `-5` comes back as `"\t-5"`.
 *   An empty EAV CSV is an empty body (REDCap builds the header from the first row).
 * - `{form}_timestamp` rows (with `exportSurveyFields`) follow the first row of each
 *   record-event. No `redcap_survey_identifier` or DAG rows: the store keeps no participant
 *   identifiers, and DAGs live on the record, not in the data.
 * - JSON gives `redcap_repeat_instance` as a number on repeating rows, as flat exports do
 *   (unverified for EAV: REDCap passes the database value through).
 *
 * @module
 */
import { cdata, csvCell, XML_DECLARATION } from "../_http.ts";
import type { EventModel } from "../model.ts";
import type { DataPoint } from "../project.ts";
import {
  exportLabel,
  type ExportPlan,
  type ExportRecordInput,
  exportValue,
  type ValueTransform,
} from "./export_plan.ts";

/** Stands for a non-repeating row's repeat columns until the body is finished. */
const SENTINEL = "\u0000\u0001";

/** Collects EAV rows for one plan; feed it records, then take the body. */
export class EavWriter {
  readonly #plan: ExportPlan;
  readonly #format: "csv" | "json" | "xml";
  readonly #delimiter: string;
  /** REDCap's EAV CSV has `redcap_repeat_instrument` only in projects with repeating forms. */
  readonly #withInstrument: boolean;
  readonly #special: RegExp;
  #lines: string[] = [];
  readonly #chunks: string[] = [];
  #repeated = false;
  /** Whether `#repeated` was given up front, so rows can be written as they come. */
  readonly #known: boolean;
  /** What a non-repeating row carries for the repeat columns: final text, or the sentinel. */
  readonly #plainRepeat: string;
  #emitted = false;
  readonly #events = new Map<number, { rank: number; name: string; event: EventModel }>();
  readonly #fieldInfo = new Map<
    string,
    {
      order: number;
      form: string;
      isId: boolean;
      transform?: ValueTransform;
      /** A checkbox's codes by dictionary rank, from 1. */
      codes?: Map<string, number>;
    }
  >();
  readonly #surveyForms: Set<string>;

  constructor(plan: ExportPlan) {
    this.#plan = plan;
    const { model, options } = plan;
    this.#format = options.format ?? "xml";
    this.#delimiter = options.csvDelimiter ?? ",";
    this.#withInstrument = model.definition.repeating.some((r) => r.form_name !== "");
    this.#known = options.eavRepeated !== undefined;
    this.#repeated = options.eavRepeated ?? false;
    this.#plainRepeat = this.#known ? this.#blankRepeat() : SENTINEL;
    const escaped = this.#delimiter.replace(/[\\^$.*+?()[\]{}|-]/g, "\\$&");
    this.#special = new RegExp(`[${escaped}"\\n\\r\\t ]`);
    // REDCap's EAV export gives each record-event's rows in the order of the `fields` parameter
    // (the record id first when it was not named; fields added by `forms` after, in dictionary
    // order).
    const named = new Map<string, number>();
    for (const name of options.fields ?? []) {
      const clean = name.replace(/['"]/g, "").trim();
      if (clean !== "" && !named.has(clean)) named.set(clean, named.size + 1);
    }
    plan.fields.forEach((name, index) =>
      this.#fieldInfo.set(name, {
        order: named.get(name) ??
          (name === model.recordIdField ? 0 : named.size + 1 + index),
        form: model.formOf(name)!,
        isId: name === model.recordIdField,
        transform: plan.transforms.get(name),
        codes: model.fieldByName.get(name)?.field_type === "checkbox"
          ? new Map(model.checkboxColumns(name).map((c, i) => [c.code, i + 1]))
          : undefined,
      })
    );
    const sorted = [...plan.events.values()].sort((a, b) =>
      a.arm_num - b.arm_num || a.day_offset - b.day_offset ||
      (a.event_name < b.event_name ? -1 : a.event_name > b.event_name ? 1 : 0)
    );
    sorted.forEach((event, rank) => {
      const name = options.labels ? model.eventLabel(event) : event.unique_event_name;
      this.#events.set(event.event_id, { rank, name, event });
    });
    this.#surveyForms = new Set(
      options.surveyFields
        ? model.forms.filter((f) => f.survey && plan.formsExported.has(f.name)).map((f) => f.name)
        : [],
    );
  }

  /** Adds one record's data points. */
  add(input: ExportRecordInput): void {
    const plan = this.#plan;
    const { model, options } = plan;
    const hasRepeating = model.hasRepeating;
    const events = this.#events;
    const fields = this.#fieldInfo;
    const picked: DataPoint[] = [];
    const keys: number[] = [];
    const timestamps: DataPoint[] = [];
    for (const p of input.points) {
      if (p.value === "") continue;
      const event = events.get(p.event_id);
      if (!event) continue;
      const field = fields.get(p.field_name);
      if (field) {
        // Sort key: event rank, then instance (projects with repeating data), then field order,
        // then a checkbox's codes in dictionary order: the order the importer stores them in
        // (REDCap's storage order), which the store does not keep (its key sorts them as text).
        keys.push(
          ((event.rank * 1e6 + (hasRepeating ? p.instance : 0)) * 1e5 + field.order) * 1e4 +
            (field.codes?.get(p.value) ?? 0),
        );
        picked.push(p);
      } else if (
        this.#surveyForms.size > 0 && p.field_name.endsWith("_timestamp") &&
        this.#surveyForms.has(p.field_name.slice(0, -"_timestamp".length))
      ) timestamps.push(p);
    }
    if (picked.length === 0) return;
    const order = picked.map((_, i) => i);
    order.sort((a, b) => keys[a] - keys[b] || a - b);
    if (options.filter) {
      const ids = new Set(picked.map((p) => p.event_id));
      const pass = [...ids].some((id) =>
        options.filter!(input.record, input.points, events.get(id)!.event)
      );
      if (!pass) return;
    }
    const record = options.hashRecordId ? options.hashRecordId(input.record) : input.record;
    const seenId = new Set<string>();
    let previousEvent = -1;
    for (const index of order) {
      const p = picked[index];
      const event = events.get(p.event_id)!;
      const field = fields.get(p.field_name)!;
      const repeats = event.event.repeatingEvent
        ? "event"
        : event.event.repeatingForms.has(field.form)
        ? "instrument"
        : false;
      const instrument = repeats === "instrument" ? field.form : "";
      if (field.isId) {
        if (!repeats && p.instance > 1) continue;
        const key = `${p.event_id}\u0000${instrument}\u0000${p.instance}`;
        if (seenId.has(key)) continue;
        seenId.add(key);
      }
      if (repeats && !this.#known) this.#repeated = true;
      this.#push(
        record,
        event.name,
        repeats
          ? this.#repeat(
            instrument !== "" && options.labels
              ? exportLabel(model.formByName.get(instrument)!.label)
              : instrument,
            String(p.instance),
          )
          : this.#plainRepeat,
        p.field_name,
        exportValue(plan, field.transform, p.value, undefined),
      );
      if (p.event_id !== previousEvent) {
        previousEvent = p.event_id;
        for (const t of timestamps) {
          if (t.event_id !== p.event_id) continue;
          this.#push(record, event.name, this.#plainRepeat, t.field_name, t.value);
        }
      }
    }
  }

  /** A cell of REDCap's sanitised EAV CSV: a value starting `= - + @` gets a TAB in front. */
  #cell(v: string): string {
    const c = v.charCodeAt(0);
    if (c === 61 || c === 45 || c === 43 || c === 64) return csvCell("\t" + v, this.#delimiter);
    return this.#special.test(v) ? csvCell(v, this.#delimiter) : v;
  }

  /** The repeat columns of a repeating row, serialised for the format. */
  #repeat(instrument: string, instance: string): string {
    if (this.#format === "json") {
      return `,"redcap_repeat_instrument":${JSON.stringify(instrument)}` +
        `,"redcap_repeat_instance":${instance}`;
    }
    if (this.#format === "xml") {
      const i = instrument.includes("]]>") ? cdata(instrument) : instrument;
      return `<redcap_repeat_instrument>${i}</redcap_repeat_instrument>` +
        `<redcap_repeat_instance>${instance}</redcap_repeat_instance>`;
    }
    const d = this.#delimiter;
    return (this.#withInstrument ? d + this.#cell(instrument) : "") + d + instance;
  }

  /**
   * Serialises one row. `repeat` is the row's repeat columns, or {@linkcode SENTINEL} for a
   * non-repeating row: whether the body has repeat columns at all is known only at the end.
   */
  #push(record: string, event: string, repeat: string, field: string, value: string): void {
    const longitudinal = this.#plan.model.longitudinal;
    let line: string;
    if (this.#format === "json") {
      line = `{"record":${JSON.stringify(record)}` +
        (longitudinal ? `,"redcap_event_name":${JSON.stringify(event)}` : "") + repeat +
        `,"field_name":${JSON.stringify(field)},"value":${JSON.stringify(value)}}`;
    } else if (this.#format === "xml") {
      line = `<item><record>${record}</record>` +
        (longitudinal ? `<redcap_event_name>${event}</redcap_event_name>` : "") + repeat +
        `<field_name>${field}</field_name>` +
        (value === "" ? "<value></value>" : `<value>${cdata(value)}</value>`) + "</item>";
    } else {
      const d = this.#delimiter;
      line = this.#cell(record) + d + this.#cell(field) + d + this.#cell(value) + repeat +
        (longitudinal ? d + this.#cell(event) : "");
    }
    this.#lines.push(line);
    if (this.#lines.length >= 5000) this.#flush();
  }

  #flush(): void {
    if (this.#lines.length === 0) return;
    this.#chunks.push(this.#lines.join(this.#format === "json" ? "," : "\n"));
    this.#lines = [];
  }

  /** Blank repeat columns for non-repeating rows when the body has repeat columns. */
  #blankRepeat(): string {
    if (!this.#repeated) return "";
    const d = this.#delimiter;
    return this.#format === "json"
      ? ',"redcap_repeat_instrument":"","redcap_repeat_instance":""'
      : this.#format === "xml"
      ? "<redcap_repeat_instrument></redcap_repeat_instrument>" +
        "<redcap_repeat_instance></redcap_repeat_instance>"
      : (this.#withInstrument ? d : "") + d;
  }

  /** Finished chunks as body parts: separators, and the CSV header before the first. */
  #emit(chunks: string[]): string[] {
    const parts: string[] = [];
    for (const chunk of chunks) {
      if (this.#format === "json") parts.push(this.#emitted ? "," + chunk : chunk);
      else {
        if (this.#format === "csv" && !this.#emitted) {
          const header = ["record", "field_name", "value"];
          if (this.#repeated) {
            if (this.#withInstrument) header.push("redcap_repeat_instrument");
            header.push("redcap_repeat_instance");
          }
          if (this.#plan.model.longitudinal) header.push("redcap_event_name");
          parts.push(header.join(this.#delimiter) + "\n");
        }
        parts.push(chunk + "\n");
      }
      this.#emitted = true;
    }
    return parts;
  }

  #prefix(): string {
    if (this.#format === "json") return "[";
    if (this.#format === "xml") return `${XML_DECLARATION}\n<records>\n`;
    return "";
  }

  /** The start of the body (nothing yet when the repeat columns are known only at the end). */
  begin(): string {
    return this.#known ? this.#prefix() : "";
  }

  /** Takes the body parts finished so far (none when rows wait for their repeat columns). */
  take(): string[] {
    return this.#known ? this.#emit(this.#chunks.splice(0)) : [];
  }

  /** Takes the remaining parts, closing the body. */
  finish(): string[] {
    this.#flush();
    const chunks = this.#chunks.splice(0);
    const parts: string[] = [];
    if (!this.#known) {
      const blank = this.#blankRepeat();
      for (let i = 0; i < chunks.length; i++) chunks[i] = chunks[i].replaceAll(SENTINEL, blank);
      const prefix = this.#prefix();
      if (prefix !== "") parts.push(prefix);
    }
    parts.push(...this.#emit(chunks));
    if (this.#format === "json") parts.push("]");
    else if (this.#format === "xml") parts.push("</records>\n");
    return parts;
  }
}
