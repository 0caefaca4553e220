/**
 * denocap: REDCap data, analysis-ready, on Deno.
 *
 * A tour: connect with {@linkcode RedcapClient} (here to the demo study, served in-process),
 * read typed and labelled records (types come from the data dictionary, labels too, from one
 * flat export), split them into one tidy table per instrument, check REDCap logic on the frame,
 * and write a validated frame back.
 *
 * @example Read, check and write back the demo study
 * ```ts
 * import { evaluateLogic } from "denocap";
 * import { createDemoClient } from "denocap/demo";
 * import { ok, strictEqual } from "node:assert/strict";
 *
 * const client = createDemoClient();
 * const { data, invalid, dictionary } = await client.readRecords({ labels: "code" });
 * strictEqual(String(data.getColumn(dictionary.recordIdField).dtype), "DataType(String)");
 * strictEqual(invalid.shape.height, 0);
 *
 * const forms = await client.readInstruments();
 * ok(forms.has("enrollment"));
 *
 * const hypertensive = evaluateLogic(data, dictionary.metadata, "[sbp] >= 140");
 * ok(hypertensive.toArray().some((v) => v === true));
 *
 * const dryRun = await client.writeRecords(data, { dryRun: true });
 * strictEqual(dryRun.changes?.size, 0);
 * ```
 *
 * @module
 */

// The client and its errors
export { RedcapClient, type RedcapClientOptions } from "./lib/client.ts";
export type { CallOptions } from "./lib/api/call.ts";
export type { RequestParams } from "./lib/_request.ts";
export {
  AUTO_BATCH_SIZE,
  type DeleteRecordsOptions,
  type ExportRecordsOptions,
  type ImportRecordsData,
  type ImportRecordsOptions,
  type ImportRecordsResult,
  type RenameRecordOptions,
} from "./lib/api/records.ts";
export type { ExportMetadataOptions, ImportMetadataOptions } from "./lib/api/metadata.ts";
export type { ExportFieldNamesOptions, FieldName } from "./lib/api/field_names.ts";
export type { Instrument } from "./lib/api/instruments.ts";
export type { ProjectEvent } from "./lib/api/events.ts";
export type { Arm, ArmsOptions } from "./lib/api/arms.ts";
export type { InstrumentEventMapping } from "./lib/api/events.ts";
export type { RepeatingFormEvent } from "./lib/api/repeating.ts";
export type { ProjectInfo } from "./lib/api/project.ts";
export type { ExportReportOptions } from "./lib/api/reports.ts";
export { type ExportLoggingOptions, LOG_TYPES, type LogEntry } from "./lib/api/logging.ts";
export type { Dag } from "./lib/api/dags.ts";
export type { User } from "./lib/api/users.ts";
export type { FileLocation, ImportFileOptions, RedcapFile } from "./lib/api/files.ts";
// The rest of the API
export type { ImportRows, SignalOptions } from "./lib/api/admin.ts";
export type { UserRole, UserRoleAssignment } from "./lib/api/user_admin.ts";
export type { UserDagAssignment } from "./lib/api/dag_admin.ts";
export type {
  CreateFolderOptions,
  ExportFileRepositoryOptions,
  FileRepositoryEntry,
  ImportFileRepositoryOptions,
} from "./lib/api/file_repository.ts";
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

// Parsing REDCap's wire formats
export { parseRedcapCsv } from "./lib/parse/csv.ts";
export { parseRedcapJson, rowsToFrame } from "./lib/parse/json.ts";
export { parseRedcapXml, parseRedcapXmlRows } from "./lib/parse/xml.ts";

// Reading analysis-ready frames
export {
  readDictionary,
  type ReadDictionaryOptions,
  readEavRecords,
  readInstruments,
  type ReadInstrumentsOptions,
  readRecords,
  type ReadRecordsOptions,
  type ReadRecordsResult,
} from "./lib/read/read_records.ts";

// The data dictionary
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
export { type Codebook, codebook, type CodebookOptions } from "./lib/dictionary/codebook.ts";

// Typed, labelled frames
export {
  castRecords,
  type CastRecordsOptions,
  type CastRecordsResult,
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
export { pivotEav, toEav } from "./lib/transform/eav.ts";
export {
  splitInstruments,
  type SplitInstrumentsOptions,
} from "./lib/transform/split_instruments.ts";

// REDCap logic: filterLogic, calculations, branching logic
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
export {
  evaluateLogic,
  type LogicFieldMetadata,
  type LogicMetadata,
  logicToPolars,
} from "./lib/logic/frame.ts";
export { type BranchingIssue, checkBranchingLogic } from "./lib/logic/branching.ts";

// Writing frames back: validated, previewed, batched imports; files of a field
export {
  type BatchResult,
  writeRecords,
  type WriteRecordsOptions,
  type WriteRecordsResult,
} from "./lib/write/write_records.ts";
export {
  type ImportIssue,
  type ImportIssueCode,
  validateRecords,
  type ValidateRecordsOptions,
} from "./lib/write/validate.ts";
export { type Change, ChangeSet } from "./lib/write/change_set.ts";
export { ImportBatchError, ImportValidationError } from "./lib/write/errors.ts";
export {
  exportFiles,
  type ExportFilesOptions,
  importFiles,
  type ImportFilesOptions,
  type MovedFile,
} from "./lib/write/files.ts";
