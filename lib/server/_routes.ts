/**
 * The routing table: `content` → action → route. Routes live in `routes/`, one file per API
 * area. An entry `super` answers super-token requests for that content.
 *
 * @module
 */
import type { Route } from "./_http.ts";
import { exportVersion } from "./routes/version.ts";
import {
  exportFieldNames,
  exportInstruments,
  exportMetadata,
  importMetadata,
} from "./routes/metadata.ts";
import {
  deleteArms,
  deleteEvents,
  exportArms,
  exportEvents,
  exportFormEventMapping,
  importArms,
  importEvents,
  importFormEventMapping,
} from "./routes/events.ts";
import { exportRepeating, importRepeating } from "./routes/repeating.ts";
import { exportProjectInfo } from "./routes/project_info.ts";
import { exportDags, exportUsers } from "./routes/users.ts";
import { exportLog } from "./routes/logging.ts";
import { exportRecordsRoute } from "./routes/records_export.ts";
import { exportReportRoute } from "./routes/reports.ts";
import { importRecords } from "./routes/records_import.ts";
import { deleteRecords, generateNextRecordName, renameRecord } from "./routes/records_manage.ts";
import { deleteFile, exportFile, importFile } from "./routes/files.ts";
import {
  deleteUserRoles,
  deleteUsers,
  exportUserRoleMapping,
  exportUserRoles,
  importUserRoleMapping,
  importUserRoles,
  importUsers,
} from "./routes/user_admin.ts";
import {
  deleteDags,
  exportUserDagMapping,
  importDags,
  importUserDagMapping,
  switchDag,
} from "./routes/dag_admin.ts";
import {
  createRepositoryFolder,
  deleteRepositoryFile,
  exportRepositoryFile,
  importRepositoryFile,
  listRepository,
} from "./routes/file_repository.ts";
import {
  exportParticipantList,
  exportSurveyAccessCode,
  exportSurveyLink,
  exportSurveyQueueLink,
  exportSurveyReturnCode,
} from "./routes/surveys.ts";
import { randomizeRecord } from "./routes/randomize.ts";
import { exportPdf } from "./routes/pdf.ts";
import {
  createProject,
  exportProjectXml,
  importProjectSettings,
  rejectProjectCreation,
} from "./routes/project_admin.ts";

/** Routes by `content`, then by action (`export`, `import`, `delete`, ...). */
export const ROUTES: Record<string, Partial<Record<string, Route>> & { super?: Route }> = {
  version: { export: exportVersion, super: exportVersion },
  metadata: { export: exportMetadata, import: importMetadata },
  exportFieldNames: { export: exportFieldNames },
  instrument: { export: exportInstruments },
  arm: { export: exportArms, import: importArms, delete: deleteArms },
  event: { export: exportEvents, import: importEvents, delete: deleteEvents },
  formEventMapping: { export: exportFormEventMapping, import: importFormEventMapping },
  repeatingFormsEvents: { export: exportRepeating, import: importRepeating },
  project: { export: exportProjectInfo, import: rejectProjectCreation, super: createProject },
  project_settings: { import: importProjectSettings },
  project_xml: { export: exportProjectXml },
  pdf: { export: exportPdf },
  dag: { export: exportDags, import: importDags, delete: deleteDags, switch: switchDag },
  user: { export: exportUsers, import: importUsers, delete: deleteUsers },
  userRole: { export: exportUserRoles, import: importUserRoles, delete: deleteUserRoles },
  userRoleMapping: { export: exportUserRoleMapping, import: importUserRoleMapping },
  userDagMapping: { export: exportUserDagMapping, import: importUserDagMapping },
  log: { export: exportLog },
  report: { export: exportReportRoute },
  record: {
    export: exportRecordsRoute,
    import: importRecords,
    delete: deleteRecords,
    rename: renameRecord,
    randomize: randomizeRecord,
  },
  generateNextRecordName: { export: generateNextRecordName },
  file: { export: exportFile, import: importFile, delete: deleteFile },
  surveyLink: { export: exportSurveyLink },
  surveyQueueLink: { export: exportSurveyQueueLink },
  surveyAccessCode: { export: exportSurveyAccessCode },
  surveyReturnCode: { export: exportSurveyReturnCode },
  participantList: { export: exportParticipantList },
  fileRepository: {
    list: listRepository,
    createFolder: createRepositoryFolder,
    import: importRepositoryFile,
    export: exportRepositoryFile,
    delete: deleteRepositoryFile,
  },
};
