import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ApiClient } from "../api-client.ts";
import type { Context } from "../command.ts";
import { CliError, EXIT } from "../errors.ts";
import { Output } from "../output.ts";
import { follow } from "./follow.ts";

const ref = { team: "acme", app: "web" };
const ID = "0b5f7a34-1c2d-4e5f-8a9b-0c1d2e3f4a5b";
const queued = {
  id: ID,
  appId: "a1",
  kind: "image",
  status: "queued",
  reason: null,
  releaseVersion: null,
  imageRef: "127.0.0.1:5000/acme/web:1",
  createdBy: "ann",
  createdAt: "2025-11-23T09:00:00.000Z",
  startedAt: null,
  finishedAt: null,
} as const;

type Record = { line: string } | { end: { status: string; reason?: string | null; releaseVersion?: number | null } } | "keepalive";

/**
 * A server whose follow streams come from `streams` in turn (each a list of records; one that is
 * not ended by an `end` record closes early, or with `hang` stays open until the client aborts).
 * Records the cursors asked for.
 */
function setup(streams: { records: Record[]; hang?: boolean; status?: number }[]) {
  const cursors: (string | null)[] = [];
  let n = 0;
  let line = 0;
  const fetch = (async (url: URL, init: { signal?: AbortSignal }) => {
    assert.ok(url.pathname.endsWith(`/deployments/${ID}/follow`), url.pathname);
    cursors.push(url.searchParams.get("after"));
    const s = streams[Math.min(n++, streams.length - 1)] ?? { records: [] };
    if (s.status) return Response.json({ error: { code: "NOT_FOUND", message: "deployment not found" } }, { status: s.status });
    const text = s.records
      .map((r) =>
        r === "keepalive"
          ? "\n"
          : "line" in r
            ? `${JSON.stringify({ line: { id: `${1000 + line}-${line++}`, ts: "2025-11-23T09:00:00.000Z", text: r.line } })}\n`
            : `${JSON.stringify({ end: { reason: null, releaseVersion: null, ...r.end } })}\n`,
      )
      .join("");
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        // Split mid-record, as the network may.
        const bytes = new TextEncoder().encode(text);
        const mid = Math.floor(bytes.length / 2);
        controller.enqueue(bytes.slice(0, mid));
        controller.enqueue(bytes.slice(mid));
        if (!s.hang) return controller.close();
        init.signal?.addEventListener("abort", () => controller.error(init.signal?.reason));
      },
    });
    return new Response(body, { headers: { "content-type": "application/x-ndjson" } });
  }) as unknown as typeof globalThis.fetch;
  let stdout = "";
  let stderr = "";
  let interrupt = () => {};
  const ctx = {
    out: new Output({ write: (s: string) => (stdout += s) }, { write: (s: string) => (stderr += s) }, false),
    onInterrupt: (h: () => void) => {
      interrupt = h;
      return () => {};
    },
  } as unknown as Context;
  const api = new ApiClient({ url: "http://berth.test", token: "t", fetch });
  return { ctx, api, cursors, out: () => ({ stdout, stderr }), interrupt: () => interrupt() };
}

describe("follow", () => {
  it("prints each line once and ends with the outcome record when the deployment is live", async () => {
    const s = setup([
      { records: [{ line: "Pulling" }, "keepalive", { line: "Starting" }, { line: "\u001b[31mred\u001b[0m" }, { end: { status: "live", releaseVersion: 3 } }] },
    ]);
    await follow(s.ctx, s.api, ref, queued, { retryMs: 0 });
    assert.deepEqual(s.cursors, [null]);
    assert.equal(s.out().stdout, `Pulling\nStarting\n\\x1b[31mred\\x1b[0m\nDeployment ${ID} is live (release v3).\n`);
  });

  it("opens a dropped stream again after the last line it printed", async () => {
    const s = setup([{ records: [{ line: "one" }, { line: "two" }] }, { records: [{ line: "three" }, { end: { status: "live", releaseVersion: 1 } }] }]);
    await follow(s.ctx, s.api, ref, queued, { retryMs: 0 });
    assert.deepEqual(s.cursors, [null, "1001-1"]);
    assert.equal(s.out().stdout, `one\ntwo\nthree\nDeployment ${ID} is live (release v1).\n`);
  });

  it("fails with the reason when the deployment does not go live", async () => {
    const s = setup([{ records: [{ line: "boom" }, { end: { status: "failed", reason: "health check failed" } }] }]);
    await assert.rejects(
      follow(s.ctx, s.api, ref, queued, { retryMs: 0 }),
      (e) => e instanceof CliError && e.exitCode === EXIT.failure && e.message === `deployment ${ID} ended failed: health check failed`,
    );
  });

  it("says so, and succeeds, for a deployment that went live and was replaced since", async () => {
    const s = setup([{ records: [{ end: { status: "replaced", reason: "replaced by deployment 1234abcd", releaseVersion: 2 } }] }]);
    await follow(s.ctx, s.api, ref, queued, { retryMs: 0 });
    assert.equal(s.out().stdout, `Deployment ${ID} went live (release v2); a newer deployment has replaced it since.\n`);
  });

  it("passes an API refusal through with its exit code, without retrying", async () => {
    const s = setup([{ records: [], status: 404 }]);
    await assert.rejects(follow(s.ctx, s.api, ref, queued, { retryMs: 0 }), (e) => e instanceof CliError && e.exitCode === EXIT.notFound);
    assert.equal(s.cursors.length, 1);
  });

  it("stops following on Ctrl-C and says how to cancel", async () => {
    const s = setup([{ records: [{ line: "building" }], hang: true }]);
    const following = follow(s.ctx, s.api, ref, queued, { retryMs: 0 });
    for (let i = 0; i < 100 && !s.out().stdout.includes("building"); i++) await new Promise((r) => setTimeout(r, 5));
    s.interrupt();
    await assert.rejects(following, (e) => e instanceof CliError && e.exitCode === EXIT.interrupted);
    assert.equal(s.out().stderr, `the deployment goes on; cancel with berth cancel acme/web ${ID}\n`);
  });
});
