/** Small projects built in code for the server tests. */
import { fieldMetadata, type ProjectDefinition } from "../../lib/server/project.ts";

/** A two-field classic project. */
export function tinyProject(): ProjectDefinition {
  return {
    info: { project_title: "Tiny" },
    metadata: [
      fieldMetadata({ field_name: "record_id", form_name: "main", field_type: "text" }),
      fieldMetadata({ field_name: "age", form_name: "main", field_type: "text" }),
    ],
    instruments: [{ instrument_name: "main", instrument_label: "Main" }],
    arms: [],
    events: [],
    formEventMapping: [],
    repeating: [],
    dags: [],
    surveys: [],
    users: [],
    records: [],
    longitudinal: false,
  };
}
