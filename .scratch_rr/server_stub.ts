export * from "../lib/server/mod.ts";
export * from "../lib/server/demo_client.ts";
