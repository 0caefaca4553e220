/**
 * {@linkcode RedcapClient}: one REDCap project behind one token. Every API Playground method,
 * a safe transport (timeout, retries only when repeating is harmless, REDCap's error envelopes),
 * batched record exports and progress.
 *
 * @module
 */
import { type ClientInternals, INTERNAL, type RequestParams, Transport } from "./_request.ts";
import { canShowBar, type ProgressSinks } from "./_progress.ts";
import { resolveRetry } from "./_retry.ts";
import type { FetchFunction, ProgressEvent, RetryOptions } from "./types.ts";
import { callApi, type CallOptions } from "./api/call.ts";
import {
  deleteRecords,
  type DeleteRecordsOptions,
  exportRecords,
  type ExportRecordsOptions,
  generateNextRecordName,
  importRecords,
  type ImportRecordsData,
  type ImportRecordsOptions,
  type ImportRecordsResult,
  renameRecord,
  type RenameRecordOptions,
} from "./api/records.ts";
import {
  exportMetadata,
  type ExportMetadataOptions,
  importMetadata,
  type ImportMetadataOptions,
} from "./api/metadata.ts";
import {
  exportFieldNames,
  type ExportFieldNamesOptions,
  type FieldName,
} from "./api/field_names.ts";
import { exportInstruments, type Instrument } from "./api/instruments.ts";
import {
  exportEvents,
  exportInstrumentEventMappings,
  type InstrumentEventMapping,
  type ProjectEvent,
} from "./api/events.ts";
import { type Arm, type ArmsOptions, exportArms } from "./api/arms.ts";
import { exportRepeatingFormsEvents, type RepeatingFormEvent } from "./api/repeating.ts";
import { exportProjectInfo, type ProjectInfo } from "./api/project.ts";
import { exportVersion } from "./api/version.ts";
import { exportReport, type ExportReportOptions } from "./api/reports.ts";
import { readReport, type ReadReportOptions } from "./read/read_report.ts";
import { exportLogging, type ExportLoggingOptions, type LogEntry } from "./api/logging.ts";
import { type Dag, exportDags } from "./api/dags.ts";
import { exportUsers, type User } from "./api/users.ts";
import {
  deleteFile,
  exportFile,
  type FileLocation,
  importFile,
  type ImportFileOptions,
  type RedcapFile,
} from "./api/files.ts";
import type { ImportRows, SignalOptions } from "./api/admin.ts";
import * as userAdmin from "./api/user_admin.ts";
import * as dagAdmin from "./api/dag_admin.ts";
import * as fileRepository from "./api/file_repository.ts";
import * as surveys from "./api/surveys.ts";
import { exportPdf, type ExportPdfOptions } from "./api/pdf.ts";
import { randomize, type RandomizeOptions, type RandomizeResult } from "./api/randomize.ts";
import * as projectAdmin from "./api/project_admin.ts";
import * as structure from "./api/structure_import.ts";
import type { DataFrame } from "./deps/polars.ts";
import type { DataDictionary } from "./dictionary/data_dictionary.ts";
import { readDictionary, type ReadDictionaryOptions } from "./read/dictionary.ts";
import { readEavRecords } from "./read/eav_records.ts";
import {
  readInstruments,
  type ReadInstrumentsOptions,
  readRecords,
  type ReadRecordsOptions,
  type ReadRecordsResult,
} from "./read/read_records.ts";
import {
  writeRecords,
  type WriteRecordsOptions,
  type WriteRecordsResult,
} from "./write/write_records.ts";

/** Options for {@linkcode RedcapClient}. */
export interface RedcapClientOptions {
  /** The `fetch` to send requests with; inject `createRedcapHandler(store)` in tests.
   * @default {globalThis.fetch}
   */
  fetch?: FetchFunction;
  /** Milliseconds one attempt may take (answer and body) before it fails.
   * @default {300000}
   */
  timeout?: number;
  /** Retries of failed requests that are safe to repeat; a number sets `limit` only.
   * @default {{ limit: 3, backoff: 500, maxDelay: 30000 }}
   */
  retry?: RetryOptions | number;
  /** Most requests one batched export runs at a time.
   * @default {4}
   */
  concurrency?: number;
  /** Called after each finished request of a call, with counts only. */
  onProgress?: (event: ProgressEvent) => void;
  /** Draw a progress bar for multi-request calls: on stderr when it is a terminal, or as one
   * updating line under Jupyter.
   * @default {true when stderr is a terminal or Jupyter runs}
   */
  progressBar?: boolean;
}

const TOKEN_PATTERN = /^(?:[0-9A-Fa-f]{32}|[0-9A-Fa-f]{64})$/;

/**
 * A client for one REDCap project. Methods are named after REDCap's API Playground and take
 * REDCap's parameter names. Records, reports and metadata come back as DataFrames whose
 * columns are all strings, exactly as REDCap sent them, with blank values as `null`; other
 * methods return objects checked against the shape REDCap documents.
 *
 * The token is kept in a `#private` field: it is never part of an error message, a progress
 * event, or what `console.log(client)` prints, and never sent to another origin (a redirect
 * there is refused; same-origin redirects are followed).
 *
 * @example Export records from the demo server
 * ```ts
 * import { RedcapClient } from "denocap";
 * import { createRedcapHandler, loadProject, RedcapStore } from "denocap/server";
 * import { strictEqual } from "node:assert/strict";
 *
 * const store = RedcapStore.open();
 * const { tokens } = loadProject(store, "demo");
 * const handler = createRedcapHandler(store);
 * const client = new RedcapClient("http://localhost/api/", tokens[0], {
 *   fetch: (input, init) => handler(new Request(input, init)),
 * });
 * strictEqual(await client.exportVersion(), "15.7.6");
 * ```
 */
export class RedcapClient {
  /** The API URL requests go to. */
  readonly url: string;
  readonly #transport: Transport;
  readonly #cache = new Map<string, Promise<unknown>>();
  readonly #internals: ClientInternals;

  /**
   * A client for one project's API; {@linkcode RedcapClient.fromEnv} reads the URL and token
   * from the environment instead.
   *
   * @param url The API URL, e.g. `https://redcap.example.org/api/`.
   * @param token The project's API token (32 hexadecimal characters; 64 for a super token).
   *   Surrounding whitespace is trimmed.
   * @param options Transport, retry, concurrency and progress settings.
   * @throws {TypeError} When the URL is not http(s) or the token is malformed (the message
   *   never holds the token).
   * @throws {RangeError} When an option is out of range.
   */
  constructor(url: string | URL, token: string, options: RedcapClientOptions = {}) {
    const allowed = ["fetch", "timeout", "retry", "concurrency", "onProgress", "progressBar"];
    for (const key of Object.keys(options)) {
      if (!allowed.includes(key)) {
        throw new TypeError(`Cannot create client: unknown option "${key}"`);
      }
    }
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new TypeError(`Cannot create client: "url" is not a URL`);
    }
    if (parsed.protocol !== "https:" && parsed.protocol !== "http:") {
      throw new TypeError(
        `Cannot create client: "url" must be http or https, got "${parsed.protocol}"`,
      );
    }
    if (typeof token !== "string") {
      throw new TypeError(`Cannot create client: "token" must be a string, got ${typeof token}`);
    }
    const trimmed = token.trim();
    if (!TOKEN_PATTERN.test(trimmed)) {
      throw new TypeError(
        `Cannot create client: "token" must be 32 or 64 hexadecimal characters ` +
          `(got ${trimmed.length} characters${
            /^[0-9A-Fa-f]*$/.test(trimmed) ? "" : ", not all hexadecimal"
          })`,
      );
    }
    const {
      fetch = globalThis.fetch,
      timeout = 300_000,
      concurrency = 4,
      onProgress,
      progressBar = canShowBar(),
    } = options;
    if (typeof fetch !== "function") {
      throw new TypeError(`Cannot create client: "fetch" must be a function`);
    }
    if (typeof timeout !== "number" || !(timeout > 0)) {
      throw new RangeError(
        `Cannot create client: "timeout" must be a number of ms > 0, got ${timeout}`,
      );
    }
    if (!Number.isInteger(concurrency) || concurrency < 1) {
      throw new RangeError(
        `Cannot create client: "concurrency" must be an integer >= 1, got ${concurrency}`,
      );
    }
    if (onProgress !== undefined && typeof onProgress !== "function") {
      throw new TypeError(`Cannot create client: "onProgress" must be a function`);
    }
    this.url = parsed.href;
    this.#transport = new Transport(trimmed, {
      url: parsed.href,
      fetch,
      timeout,
      retry: resolveRetry(options.retry),
    });
    const progress: ProgressSinks = { onProgress, bar: progressBar };
    const transport = this.#transport;
    const cache = this.#cache;
    this.#internals = {
      send: (spec, parse) => transport.send(spec, parse),
      cached: <T>(
        key: string,
        load: () => Promise<T>,
        copy: (value: T) => T = structuredClone,
      ): Promise<T> => {
        let hit = cache.get(key) as Promise<T> | undefined;
        if (!hit) {
          hit = load();
          cache.set(key, hit);
          hit.catch(() => cache.get(key) === hit && cache.delete(key));
        }
        return hit.then(copy);
      },
      clearCache: () => cache.clear(),
      concurrency,
      progress,
    };
  }

  /**
   * Creates a client from `REDCAP_API_URL` and `REDCAP_API_TOKEN`.
   *
   * @example Read the settings from the environment
   * ```ts
   * import { RedcapClient } from "denocap";
   * import { strictEqual } from "node:assert/strict";
   *
   * Deno.env.set("REDCAP_API_URL", "https://redcap.example.org/api/");
   * Deno.env.set("REDCAP_API_TOKEN", "0123456789ABCDEF0123456789ABCDEF\n");
   * strictEqual(RedcapClient.fromEnv().url, "https://redcap.example.org/api/");
   * Deno.env.delete("REDCAP_API_URL");
   * Deno.env.delete("REDCAP_API_TOKEN");
   * ```
   *
   * @param options As for the constructor.
   * @returns A client.
   * @throws {TypeError} When a variable is missing or malformed (naming the variable, never
   *   its value).
   */
  static fromEnv(options: RedcapClientOptions = {}): RedcapClient {
    const url = Deno.env.get("REDCAP_API_URL");
    const token = Deno.env.get("REDCAP_API_TOKEN");
    if (!url) throw new TypeError(`Cannot create client: REDCAP_API_URL is not set`);
    if (!token) throw new TypeError(`Cannot create client: REDCAP_API_TOKEN is not set`);
    try {
      return new RedcapClient(url, token, options);
    } catch (error) {
      const message = (error as Error).message.replace('"token"', "REDCAP_API_TOKEN")
        .replace('"url"', "REDCAP_API_URL");
      throw error instanceof RangeError ? new RangeError(message) : new TypeError(message);
    }
  }

  /** @internal Used by `lib/api/*`. */
  get [INTERNAL](): ClientInternals {
    return this.#internals;
  }

  /** Forgets the cached project structure (metadata, field names, events, arms, ...). */
  refresh(): void {
    this.#cache.clear();
  }

  /**
   * Sends any request (for contents not wrapped by a method) with the same token handling,
   * retries and error parsing. `returnFormat=json` is added; `format` defaults to json.
   * Requests with `data` or a changing `action` are not retried unless `idempotent` says so.
   *
   * @example Ask for something no method wraps
   * ```ts
   * import { RedcapClient } from "denocap";
   * import { strictEqual } from "node:assert/strict";
   *
   * const client = new RedcapClient("https://redcap.example.org/api/", "0".repeat(32), {
   *   fetch: async (input, init) => {
   *     const params = new URLSearchParams(await new Request(input, init).text());
   *     return new Response(params.get("content") === "surveyLink" ? "https://s.example/x" : "");
   *   },
   * });
   * strictEqual(await client.call("surveyLink", { record: "1", instrument: "intake" }), "https://s.example/x");
   * ```
   *
   * @param content The `content` parameter.
   * @param params Other parameters (arrays become `name[0]=..`).
   * @param options Retry safety, a cancel signal.
   * @returns The body text.
   */
  call(content: string, params: RequestParams = {}, options: CallOptions = {}): Promise<string> {
    return callApi(this, content, params, options);
  }

  /** Exports records as a string DataFrame; see {@linkcode exportRecords}. */
  exportRecords(options?: ExportRecordsOptions): Promise<DataFrame> {
    return exportRecords(this, options);
  }
  /** Imports records; see {@linkcode importRecords}. */
  importRecords(
    data: ImportRecordsData,
    options?: ImportRecordsOptions,
  ): Promise<ImportRecordsResult> {
    return importRecords(this, data, options);
  }
  /** Deletes records; see {@linkcode deleteRecords}. */
  deleteRecords(options: DeleteRecordsOptions): Promise<number> {
    return deleteRecords(this, options);
  }
  /** Renames a record; see {@linkcode renameRecord}. */
  renameRecord(options: RenameRecordOptions): Promise<void> {
    return renameRecord(this, options);
  }
  /** The next record name REDCap would assign; see {@linkcode generateNextRecordName}. */
  generateNextRecordName(): Promise<string> {
    return generateNextRecordName(this);
  }
  /** Exports the data dictionary; see {@linkcode exportMetadata}. */
  exportMetadata(options?: ExportMetadataOptions): Promise<DataFrame> {
    return exportMetadata(this, options);
  }
  /** Replaces the data dictionary; see {@linkcode importMetadata}. */
  importMetadata(
    data: DataFrame | readonly Record<string, unknown>[],
    options?: ImportMetadataOptions,
  ): Promise<number> {
    return importMetadata(this, data, options);
  }
  /** Export column names per field; see {@linkcode exportFieldNames}. */
  exportFieldNames(options?: ExportFieldNamesOptions): Promise<FieldName[]> {
    return exportFieldNames(this, options);
  }
  /** The instruments; see {@linkcode exportInstruments}. */
  exportInstruments(): Promise<Instrument[]> {
    return exportInstruments(this);
  }
  /** The events; see {@linkcode exportEvents}. */
  exportEvents(options?: ArmsOptions): Promise<ProjectEvent[]> {
    return exportEvents(this, options);
  }
  /** The arms; see {@linkcode exportArms}. */
  exportArms(options?: ArmsOptions): Promise<Arm[]> {
    return exportArms(this, options);
  }
  /** Which instrument is in which event; see {@linkcode exportInstrumentEventMappings}. */
  exportInstrumentEventMappings(options?: ArmsOptions): Promise<InstrumentEventMapping[]> {
    return exportInstrumentEventMappings(this, options);
  }
  /** Repeating instruments and events; see {@linkcode exportRepeatingFormsEvents}. */
  exportRepeatingFormsEvents(): Promise<RepeatingFormEvent[]> {
    return exportRepeatingFormsEvents(this);
  }
  /** Project settings; see {@linkcode exportProjectInfo}. */
  exportProjectInfo(): Promise<ProjectInfo> {
    return exportProjectInfo(this);
  }
  /** The REDCap version; see {@linkcode exportVersion}. */
  exportVersion(): Promise<string> {
    return exportVersion(this);
  }
  /** A report as a string DataFrame; see {@linkcode exportReport}. */
  exportReport(options: ExportReportOptions): Promise<DataFrame> {
    return exportReport(this, options);
  }
  /** The project log; see {@linkcode exportLogging}. */
  exportLogging(options?: ExportLoggingOptions): Promise<LogEntry[]> {
    return exportLogging(this, options);
  }
  /** Data access groups; see {@linkcode exportDags}. */
  exportDags(): Promise<Dag[]> {
    return exportDags(this);
  }
  /** Users and rights; see {@linkcode exportUsers}. */
  exportUsers(): Promise<User[]> {
    return exportUsers(this);
  }
  /** Downloads a file; see {@linkcode exportFile}. */
  exportFile(options: FileLocation): Promise<RedcapFile> {
    return exportFile(this, options);
  }
  /** Uploads a file; see {@linkcode importFile}. */
  importFile(options: ImportFileOptions): Promise<void> {
    return importFile(this, options);
  }
  /** Deletes a file; see {@linkcode deleteFile}. */
  deleteFile(options: FileLocation): Promise<void> {
    return deleteFile(this, options);
  }

  // --- the rest of the API: users, roles, DAGs, File Repository, surveys, structure, project

  /** Adds users or changes their rights; see {@linkcode userAdmin.importUsers}. */
  importUsers(data: ImportRows, options?: SignalOptions): Promise<number> {
    return userAdmin.importUsers(this, data, options);
  }
  /** Removes users from the project; see {@linkcode userAdmin.deleteUsers}. */
  deleteUsers(users: readonly string[], options?: SignalOptions): Promise<number> {
    return userAdmin.deleteUsers(this, users, options);
  }
  /** The user roles; see {@linkcode userAdmin.exportUserRoles}. */
  exportUserRoles(options?: SignalOptions): Promise<userAdmin.UserRole[]> {
    return userAdmin.exportUserRoles(this, options);
  }
  /** Creates or changes user roles; see {@linkcode userAdmin.importUserRoles}. */
  importUserRoles(data: ImportRows, options?: SignalOptions): Promise<number> {
    return userAdmin.importUserRoles(this, data, options);
  }
  /** Deletes user roles; see {@linkcode userAdmin.deleteUserRoles}. */
  deleteUserRoles(roles: readonly string[], options?: SignalOptions): Promise<number> {
    return userAdmin.deleteUserRoles(this, roles, options);
  }
  /** Which role each user has; see {@linkcode userAdmin.exportUserRoleAssignment}. */
  exportUserRoleAssignment(options?: SignalOptions): Promise<userAdmin.UserRoleAssignment[]> {
    return userAdmin.exportUserRoleAssignment(this, options);
  }
  /** Assigns users to roles; see {@linkcode userAdmin.importUserRoleAssignment}. */
  importUserRoleAssignment(data: ImportRows, options?: SignalOptions): Promise<number> {
    return userAdmin.importUserRoleAssignment(this, data, options);
  }
  /** Creates or renames data access groups; see {@linkcode dagAdmin.importDags}. */
  importDags(data: ImportRows, options?: SignalOptions): Promise<number> {
    return dagAdmin.importDags(this, data, options);
  }
  /** Deletes data access groups; see {@linkcode dagAdmin.deleteDags}. */
  deleteDags(dags: readonly string[], options?: SignalOptions): Promise<number> {
    return dagAdmin.deleteDags(this, dags, options);
  }
  /** Moves the token's user into another group; see {@linkcode dagAdmin.switchDag}. */
  switchDag(dag: string, options?: SignalOptions): Promise<void> {
    return dagAdmin.switchDag(this, dag, options);
  }
  /** Which group each user is in; see {@linkcode dagAdmin.exportUserDagAssignment}. */
  exportUserDagAssignment(options?: SignalOptions): Promise<dagAdmin.UserDagAssignment[]> {
    return dagAdmin.exportUserDagAssignment(this, options);
  }
  /** Assigns users to groups; see {@linkcode dagAdmin.importUserDagAssignment}. */
  importUserDagAssignment(data: ImportRows, options?: SignalOptions): Promise<number> {
    return dagAdmin.importUserDagAssignment(this, data, options);
  }
  /** Lists a File Repository folder; see {@linkcode fileRepository.exportFileRepository}. */
  exportFileRepository(
    options?: fileRepository.ExportFileRepositoryOptions,
  ): Promise<fileRepository.FileRepositoryEntry[]> {
    return fileRepository.exportFileRepository(this, options);
  }
  /** Creates a File Repository folder; see
   * {@linkcode fileRepository.createFolderFileRepository}. */
  createFolderFileRepository(options: fileRepository.CreateFolderOptions): Promise<number> {
    return fileRepository.createFolderFileRepository(this, options);
  }
  /** Uploads to the File Repository; see {@linkcode fileRepository.importFileRepository}. */
  importFileRepository(options: fileRepository.ImportFileRepositoryOptions): Promise<void> {
    return fileRepository.importFileRepository(this, options);
  }
  /** Downloads from the File Repository; see
   * {@linkcode fileRepository.exportFileFromRepository}. */
  exportFileFromRepository(doc_id: number, options?: SignalOptions): Promise<RedcapFile> {
    return fileRepository.exportFileFromRepository(this, doc_id, options);
  }
  /** Deletes from the File Repository; see {@linkcode fileRepository.deleteFileRepository}. */
  deleteFileRepository(doc_id: number, options?: SignalOptions): Promise<void> {
    return fileRepository.deleteFileRepository(this, doc_id, options);
  }
  /** A record's survey link; see {@linkcode surveys.exportSurveyLink}. */
  exportSurveyLink(options: surveys.SurveyLocation): Promise<string> {
    return surveys.exportSurveyLink(this, options);
  }
  /** A record's survey queue link; see {@linkcode surveys.exportSurveyQueueLink}. */
  exportSurveyQueueLink(options: surveys.SurveyQueueLinkOptions): Promise<string> {
    return surveys.exportSurveyQueueLink(this, options);
  }
  /** A record's survey access code; see {@linkcode surveys.exportSurveyAccessCode}. */
  exportSurveyAccessCode(options: surveys.SurveyLocation): Promise<string> {
    return surveys.exportSurveyAccessCode(this, options);
  }
  /** A record's survey return code; see {@linkcode surveys.exportSurveyReturnCode}. */
  exportSurveyReturnCode(options: surveys.SurveyLocation): Promise<string> {
    return surveys.exportSurveyReturnCode(this, options);
  }
  /** A survey's participant list; see {@linkcode surveys.exportSurveyParticipantList}. */
  exportSurveyParticipantList(
    options: surveys.ExportSurveyParticipantListOptions,
  ): Promise<surveys.SurveyParticipant[]> {
    return surveys.exportSurveyParticipantList(this, options);
  }
  /** Instruments as a PDF; see {@linkcode exportPdf}. */
  exportPdf(options?: ExportPdfOptions): Promise<Uint8Array> {
    return exportPdf(this, options);
  }
  /** Randomizes a record; see {@linkcode randomize}. */
  randomize(options: RandomizeOptions): Promise<RandomizeResult> {
    return randomize(this, options);
  }
  /** Adds or renames arms; see {@linkcode structure.importArms}. */
  importArms(data: ImportRows, options?: structure.ImportStructureOptions): Promise<number> {
    return structure.importArms(this, data, options);
  }
  /** Deletes arms with their events and data; see {@linkcode structure.deleteArms}. */
  deleteArms(arms: readonly (number | string)[], options?: SignalOptions): Promise<number> {
    return structure.deleteArms(this, arms, options);
  }
  /** Adds or changes events; see {@linkcode structure.importEvents}. */
  importEvents(data: ImportRows, options?: structure.ImportStructureOptions): Promise<number> {
    return structure.importEvents(this, data, options);
  }
  /** Deletes events with their data; see {@linkcode structure.deleteEvents}. */
  deleteEvents(events: readonly string[], options?: SignalOptions): Promise<number> {
    return structure.deleteEvents(this, events, options);
  }
  /** Replaces the instrument-event designations; see
   * {@linkcode structure.importInstrumentEventMappings}. */
  importInstrumentEventMappings(data: ImportRows, options?: SignalOptions): Promise<number> {
    return structure.importInstrumentEventMappings(this, data, options);
  }
  /** Replaces the repeating setup; see {@linkcode structure.importRepeatingFormsEvents}. */
  importRepeatingFormsEvents(data: ImportRows, options?: SignalOptions): Promise<number> {
    return structure.importRepeatingFormsEvents(this, data, options);
  }
  /** Creates a project (super token); see {@linkcode projectAdmin.createProject}. */
  createProject(
    data: projectAdmin.CreateProjectData,
    options?: projectAdmin.CreateProjectOptions,
  ): Promise<string> {
    return projectAdmin.createProject(this, data, options);
  }
  /** Changes project settings; see {@linkcode projectAdmin.importProjectSettings}. */
  importProjectSettings(
    settings: Record<string, projectAdmin.SettingValue>,
    options?: SignalOptions,
  ): Promise<number> {
    return projectAdmin.importProjectSettings(this, settings, options);
  }
  /** The project as Project XML; see {@linkcode projectAdmin.exportProjectXml}. */
  exportProjectXml(options?: projectAdmin.ExportProjectXmlOptions): Promise<string> {
    return projectAdmin.exportProjectXml(this, options);
  }

  // --- the analyst layer: typed frames in, typed frames out ------------------------------------

  /** The project's data dictionary with its structure; see {@linkcode readDictionary}. */
  readDictionary(options?: ReadDictionaryOptions): Promise<DataDictionary> {
    return readDictionary(this, options);
  }
  /** Records as a typed, labelled frame; see {@linkcode readRecords}. */
  readRecords(options?: ReadRecordsOptions): Promise<ReadRecordsResult> {
    return readRecords(this, options);
  }
  /** A saved report as a typed, labelled frame; see {@linkcode readReport}. */
  readReport(reportId: number | string, options?: ReadReportOptions): Promise<ReadRecordsResult> {
    return readReport(this, reportId, options);
  }
  /** One tidy frame per instrument; see {@linkcode readInstruments}. */
  readInstruments(options?: ReadInstrumentsOptions): Promise<Map<string, DataFrame>> {
    return readInstruments(this, options);
  }
  /** An EAV export pivoted to the same typed frame; see {@linkcode readEavRecords}. */
  readEavRecords(options?: ReadRecordsOptions): Promise<ReadRecordsResult> {
    return readEavRecords(this, options);
  }
  /** Validates a frame and imports it; see {@linkcode writeRecords}. */
  writeRecords(frame: DataFrame, options?: WriteRecordsOptions): Promise<WriteRecordsResult> {
    return writeRecords(this, frame, options);
  }

  /** What `console.log(client)` and `Deno.inspect(client)` show: the URL only. */
  [Symbol.for("Deno.customInspect")](): string {
    return `RedcapClient { url: ${JSON.stringify(this.url)} }`;
  }
}
