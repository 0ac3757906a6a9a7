export * from "./errors.ts";
export * from "./events.ts";
export * from "./jobs.ts";
export * from "./queues.ts";
export * from "./api.ts";
export * from "./permissions.ts";
