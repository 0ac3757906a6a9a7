import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type Job, UnrecoverableError } from "bullmq";
import type { JobContext } from "./context.ts";
import { dispatch } from "./dispatch.ts";

// dispatch refuses before it touches any dependency, so an empty context is enough here;
// the real handlers are exercised against Postgres and Redis in worker/test.
const ctx = {} as JobContext;
const job = (name: string, data: unknown) => ({ name, data }) as Job;

describe("dispatch", () => {
  it("fails a job with no handler permanently", async () => {
    await assert.rejects(dispatch(job("no.such.job", {}), ctx), (e) => e instanceof UnrecoverableError && /no handler/.test(e.message));
  });

  it("fails a payload that does not match its schema permanently, without retries", async () => {
    await assert.rejects(dispatch(job("host.heartbeat", { version: 1 }), ctx), (e) => e instanceof UnrecoverableError && /invalid payload/.test(e.message));
  });
});
