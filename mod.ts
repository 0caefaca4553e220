/**
 * denocap: REDCap data, analysis-ready, on Deno. A tour by task; each section below exports what
 * the task needs.
 *
 * - **Connect**: {@linkcode RedcapClient} for one project (`RedcapClient.fromEnv()`), or
 *   `createDemoClient()` from `denocap/demo` for the demo study served in-process.
 * - **Read**: {@linkcode readRecords} gives a typed, labelled frame (types and labels from the
 *   data dictionary, {@linkcode readDictionary}); {@linkcode readInstruments} one tidy table per
 *   instrument; the API's exports as they are (`client.exportRecords()`, ...).
 * - **Tidy**: one {@linkcode DataDictionary} is the project model every function takes:
 *   {@linkcode castRecords}, {@linkcode labelRecords}, {@linkcode splitInstruments},
 *   {@linkcode pivotEav}, checkboxes.
 * - **Check**: {@linkcode validateRecords} (what REDCap would refuse) and
 *   {@linkcode checkBranchingLogic} (values hidden by branching logic).
 * - **Analyse**: {@linkcode evaluateLogic} runs REDCap logic on a frame; {@linkcode codebook}.
 * - **Plot**: `denocap/plot`, e.g. `plotField(frame, dictionary, "dob")`.
 * - **Write**: {@linkcode writeRecords}: validated, previewed (`dryRun`), batched imports.
 * - **Files**: {@linkcode exportFiles} and {@linkcode importFiles} for file-upload fields.
 * - **Admin**: users, roles, DAGs, surveys, PDFs, randomization, logging (client methods).
 *
 * @example Read, check and write back the demo study
 * ```ts
 * import { evaluateLogic } from "denocap";
 * import { createDemoClient } from "denocap/demo";
 * import { ok, strictEqual } from "node:assert/strict";
 *
 * // Connect
 * const client = createDemoClient();
 * // Read
 * const { data, invalid, dictionary } = await client.readRecords({ labels: "code" });
 * strictEqual(String(data.getColumn(dictionary.recordIdField).dtype), "DataType(String)");
 * strictEqual(invalid.shape.height, 0);
 * // Tidy
 * const forms = await client.readInstruments();
 * ok(forms.has("enrollment"));
 * // Analyse
 * const hypertensive = evaluateLogic(data, dictionary, "[sbp] >= 140");
 * ok(hypertensive.toArray().some((v) => v === true));
 * // Write (a dry run: nothing changed, nothing sent)
 * const dryRun = await client.writeRecords(data, { dryRun: true });
 * strictEqual(dryRun.changes?.size, 0);
 * ```
 *
 * @module
 */

// --- Connect: a client for one project's API (token, retries, timeouts, progress); errors
export { RedcapClient, type RedcapClientOptions } from "./lib/client.ts";
export type { CallOptions } from "./lib/api/call.ts";
export type { ParamValue, RedcapConnection, RequestParams, UploadFile } from "./lib/_request.ts";
export {
  type ImportErrorRow,
  RedcapApiError,
  RedcapError,
  type RedcapErrorCode,
  RedcapNetworkError,
  RedcapResponseError,
  type RedcapResponseProblem,
  RedcapTimeoutError,
} from "./lib/errors.ts";
export type {
  DecimalCharacter,
  FetchFunction,
  Format,
  OverwriteBehavior,
  ProgressEvent,
  RawOrLabel,
  RecordType,
  RetryOptions,
  ReturnContent,
} from "./lib/types.ts";

// The nodejs-polars types denocap's signatures name (tables, columns, expressions, dtypes)
export type { DataFrame, DataType, Expr, Series } from "./lib/deps/polars.ts";

// --- Read: analysis-ready frames (typed and labelled by the dictionary); the API's exports
export { readDictionary, type ReadDictionaryOptions } from "./lib/read/dictionary.ts";
export { readEavRecords } from "./lib/read/eav_records.ts";
export {
  readInstruments,
  type ReadInstrumentsOptions,
  readRecords,
  type ReadRecordsOptions,
  type ReadRecordsResult,
} from "./lib/read/read_records.ts";
export { readReport, type ReadReportOptions } from "./lib/read/read_report.ts";
export {
  AUTO_BATCH_SIZE,
  type BatchIds,
  type DeleteRecordsOptions,
  exportRecordBodies,
  type ExportRecordsOptions,
  type ImportRecordsData,
  type ImportRecordsOptions,
  type ImportRecordsResult,
  type RecordBody,
  type RenameRecordOptions,
} from "./lib/api/records.ts";
export type { ExportMetadataOptions, ImportMetadataOptions } from "./lib/api/metadata.ts";
export type { ExportFieldNamesOptions, FieldName } from "./lib/api/field_names.ts";
export type { Instrument } from "./lib/api/instruments.ts";
export type { ProjectEvent } from "./lib/api/events.ts";
export type { InstrumentEventMapping } from "./lib/api/events.ts";
export type { Arm, ArmsOptions } from "./lib/api/arms.ts";
export type { RepeatingFormEvent } from "./lib/api/repeating.ts";
export type { ProjectInfo } from "./lib/api/project.ts";
export type { ExportReportOptions } from "./lib/api/reports.ts";
export { parseRedcapCsv } from "./lib/parse/csv.ts";
export { parseRedcapJson, rowsToFrame } from "./lib/parse/json.ts";
export { parseRedcapXml, parseRedcapXmlRows } from "./lib/parse/xml.ts";

// --- Tidy: the project model (one DataDictionary); types, labels, checkboxes, EAV, instruments
export { labelDataAccessGroups } from "./lib/transform/dag_labels.ts";
export {
  type ArmRow,
  type CheckboxColumn,
  type ColumnInfo,
  type ColumnsOptions,
  DataDictionary,
  type DictionaryStructure,
  type EventInfo,
  type EventRow,
  type FieldInfo,
  type FieldNameRow,
  type FormEventMappingRow,
  type FormInfo,
  type InstrumentRow,
  type MetadataRow,
  MetadataRowSchema,
  type RepeatingRow,
} from "./lib/dictionary/data_dictionary.ts";
export {
  checkboxSuffix,
  type Choice,
  FORM_STATUS_CHOICES,
  parseChoices,
  TRUE_FALSE_CHOICES,
  YES_NO_CHOICES,
} from "./lib/dictionary/choices.ts";
export {
  type FieldTypeInfo,
  resolveFieldType,
  type ValueKind,
} from "./lib/dictionary/field_types.ts";
export {
  castRecords,
  type CastRecordsOptions,
  type CastRecordsResult,
  type CastType,
} from "./lib/transform/cast.ts";
export {
  columnLabels,
  labelRecords,
  type LabelRecordsOptions,
  levels,
  withColumnLabels,
} from "./lib/transform/label.ts";
export {
  combineCheckboxes,
  type CombineCheckboxesOptions,
  expandCheckboxes,
} from "./lib/transform/checkboxes.ts";
export { pivotEav, type PivotEavOptions, toEav } from "./lib/transform/eav.ts";
export {
  splitInstruments,
  type SplitInstrumentsOptions,
} from "./lib/transform/split_instruments.ts";

// --- Check: what REDCap would refuse before writing; values branching logic hides; names a
// read would send; columns that shadow DataFrame members
export { checkNames, type NamesToCheck, suggestName } from "./lib/dictionary/check_names.ts";
export { shadowedColumns } from "./lib/transform/shadowed.ts";
export type { DateFormat } from "./lib/dictionary/validate.ts";
export type { FieldMetadata } from "./lib/dictionary/metadata.ts";
export {
  type ImportIssue,
  type ImportIssueCode,
  validateRecords,
  type ValidateRecordsOptions,
} from "./lib/write/validate.ts";
export { type BranchingIssue, checkBranchingLogic } from "./lib/logic/branching.ts";

// --- Analyse: tables and summaries in dictionary order; REDCap logic over frames (filterLogic,
// calculations); the codebook
export type { HtmlBundle, HtmlDisplay } from "./lib/jupyter/display.ts";
export { tabulate, type TabulateOptions } from "./lib/analyse/tabulate.ts";
export { summarize, type SummarizeOptions } from "./lib/analyse/summarize.ts";
export { type NumberSummary, tableOne, type TableOneOptions } from "./lib/analyse/table_one.ts";
export { withEventColumns } from "./lib/analyse/longitudinal.ts";
export {
  evaluateExpression,
  type FieldNode,
  formatLogicValue,
  type LogicContext,
  LogicError,
  type LogicErrorCode,
  LogicFunctionError,
  type LogicNode,
  LogicReferenceError,
  logicReferences,
  LogicSyntaxError,
  type LogicValue,
  parseLogic,
  testLogic,
} from "./lib/logic/logic.ts";
export type {
  BinaryNode,
  BinaryOperator,
  BooleanNode,
  CallNode,
  InstanceQualifier,
  NumberNode,
  SmartNode,
  StringNode,
  UnaryNode,
} from "./lib/logic/ast.ts";
export { type LabelComparison, labelComparisons } from "./lib/logic/label_comparisons.ts";
export {
  checkCalculations,
  type CheckCalculationsOptions,
} from "./lib/logic/check_calculations.ts";
export {
  evaluateLogic,
  type LogicFieldMetadata,
  type LogicMetadata,
  logicToPolars,
} from "./lib/logic/frame.ts";
export { type Codebook, codebook, type CodebookOptions } from "./lib/dictionary/codebook.ts";

// --- Write: validated, previewed, batched imports
export {
  type BatchResult,
  writeRecords,
  type WriteRecordsOptions,
  type WriteRecordsResult,
} from "./lib/write/write_records.ts";
export { type Change, ChangeSet } from "./lib/write/change_set.ts";
export { ImportBatchError, ImportValidationError } from "./lib/write/errors.ts";

// --- Hand off: one labelled Parquet (or CSV) file per instrument, read back offline
export {
  writeDataset,
  type WriteDatasetOptions,
  type WriteDatasetResult,
} from "./lib/dataset/write.ts";
export {
  type Dataset,
  datasetProjects,
  readDataset,
  type ReadDatasetOptions,
} from "./lib/dataset/read.ts";

// --- Files: file-upload fields, one file or a folder at once; the file repository
export {
  exportFiles,
  type ExportFilesOptions,
  importFiles,
  type ImportFilesOptions,
  type MovedFile,
} from "./lib/write/files.ts";
export type { FileLocation, ImportFileOptions, RedcapFile } from "./lib/api/files.ts";
export type {
  CreateFolderOptions,
  ExportFileRepositoryOptions,
  FileRepositoryEntry,
  ImportFileRepositoryOptions,
} from "./lib/api/file_repository.ts";

// --- Admin: users, roles, DAGs, surveys, PDFs, randomization, logging, project setup
export { type ExportLoggingOptions, LOG_TYPES, type LogEntry } from "./lib/api/logging.ts";
export type { Dag } from "./lib/api/dags.ts";
export type { User } from "./lib/api/users.ts";
export type { ImportRows, SignalOptions } from "./lib/api/admin.ts";
export type { UserRole, UserRoleAssignment } from "./lib/api/user_admin.ts";
export type { UserDagAssignment } from "./lib/api/dag_admin.ts";
export type {
  ExportSurveyParticipantListOptions,
  SurveyLocation,
  SurveyParticipant,
  SurveyQueueLinkOptions,
} from "./lib/api/surveys.ts";
export type { ExportPdfOptions } from "./lib/api/pdf.ts";
export type { RandomizeOptions, RandomizeResult } from "./lib/api/randomize.ts";
export type {
  CreateProjectData,
  CreateProjectOptions,
  ExportProjectXmlOptions,
  SettingValue,
} from "./lib/api/project_admin.ts";
export type { ImportStructureOptions } from "./lib/api/structure_import.ts";
