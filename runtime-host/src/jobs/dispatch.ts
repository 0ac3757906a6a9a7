// A host job -> its handler, with the payload validated on the way in and the result on the
// way out. Malformed payloads and refusals (AppError) can never succeed: no retries. A refusal
// travels in AppError's wire form, so the caller gets the same code back (control/src/hosts/call-host.ts).
import { isAppError } from "@berth/core";
import { HOST_JOBS } from "@berth/core/host-jobs";
import { type Job, UnrecoverableError } from "bullmq";
import { byName, catalog, type HostContext } from "./catalog.ts";

export async function dispatchHostJob(job: Job, host: HostContext): Promise<unknown> {
  const key = byName.get(job.name);
  if (!key) throw new UnrecoverableError(`no handler for host job "${job.name}"`);
  const def = HOST_JOBS[key];
  const parsed = def.schema.safeParse(job.data);
  if (!parsed.success) throw new UnrecoverableError(`invalid payload for ${job.name}: ${parsed.error.issues[0]?.message ?? "unknown"}`);
  try {
    const handler = catalog[key] as (payload: unknown, host: HostContext) => Promise<unknown>;
    return def.result.parse(await handler(parsed.data, host));
  } catch (err) {
    if (isAppError(err)) throw new UnrecoverableError(err.toWire());
    throw err;
  }
}
