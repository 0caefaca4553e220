/**
 * denocap: REDCap data, analysis-ready, on Deno.
 *
 * A tour: connect with {@linkcode RedcapClient}, build a {@linkcode DataDictionary}, export raw
 * records, cast them to typed Polars columns with {@linkcode castRecords} and label coded values
 * from the dictionary.
 *
 * @example Export and type the demo study (served in-process, no credentials)
 * ```ts
 * import { castRecords, DataDictionary } from "denocap";
 * import { createDemoClient } from "denocap/server";
 * import { ok, strictEqual } from "node:assert/strict";
 *
 * const client = createDemoClient();
 * const metadata = await client.exportMetadata();
 * const dictionary = DataDictionary.fromMetadata(metadata.toRecords() as never, {
 *   fieldNames: await client.exportFieldNames() as never,
 * });
 * const raw = await client.exportRecords();
 * const { data } = castRecords(raw, dictionary, { labels: "label" });
 * strictEqual(data.getColumn(dictionary.recordIdField).dtype.toString(), "String");
 * ok(data.height > 0);
 * ```
 *
 * @module
 */

// The client and its errors
export { RedcapClient, type RedcapClientOptions } from "./lib/client.ts";
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
  type BranchingIssue,
  checkBranchingLogic,
  evaluateLogic,
  type LogicFieldMetadata,
  logicToPolars,
} from "./lib/logic/frame.ts";

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
