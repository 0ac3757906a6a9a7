// Turns a BullMQ job into a typed handler call. A payload that does not parse can never
// succeed, so it fails permanently instead of being retried.
import { JOBS } from "@berth/core";
import { type Job, UnrecoverableError } from "bullmq";
import { byName, catalog } from "./catalog.ts";
import type { JobContext } from "./context.ts";

export async function dispatch(job: Job, base: Omit<JobContext, "attempt">): Promise<void> {
  const made = job.attemptsMade ?? 0;
  const ctx: JobContext = { ...base, attempt: { number: made + 1, final: made + 1 >= (job.opts?.attempts ?? 1) } };
  const key = byName.get(job.name);
  if (!key) throw new UnrecoverableError(`no handler for job "${job.name}"`);
  const parsed = JOBS[key].schema.safeParse(job.data);
  if (!parsed.success) throw new UnrecoverableError(`invalid payload for ${job.name}: ${parsed.error.issues[0]?.message ?? "unknown"}`);
  const handler = catalog[key] as (payload: unknown, ctx: JobContext) => Promise<void>;
  await handler(parsed.data, ctx);
}
