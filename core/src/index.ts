export * from "./api.ts";
export * from "./apps.ts";
export * from "./errors.ts";
export * from "./events.ts";
export * from "./jobs.ts";
export * from "./logs.ts";
export * from "./permissions.ts";
export * from "./queues.ts";
