import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ApiClient } from "../api-client.ts";
import type { Context } from "../command.ts";
import { CliError, EXIT } from "../errors.ts";
import { Output } from "../output.ts";
import { follow } from "./follow.ts";

const ref = { team: "acme", app: "web" };
const ID = "0b5f7a34-1c2d-4e5f-8a9b-0c1d2e3f4a5b";
const deployment = (status: string, reason: string | null = null) => ({
  id: ID,
  appId: "a1",
  kind: "image",
  status,
  reason,
  releaseVersion: status === "live" ? 3 : null,
  imageRef: "127.0.0.1:5000/acme/web:1",
  createdBy: "ann",
  createdAt: "2025-11-23T09:00:00.000Z",
  startedAt: null,
  finishedAt: null,
});

/** A server whose log pages come from `pages` in turn; records the cursors asked for. */
function setup(pages: { lines: string[]; status: string }[], final: ReturnType<typeof deployment>) {
  const cursors: (string | null)[] = [];
  let n = 0;
  let line = 0;
  const fetch = (async (url: URL) => {
    if (url.pathname.endsWith("/log")) {
      cursors.push(url.searchParams.get("after"));
      const page = pages[Math.min(n++, pages.length - 1)] ?? { lines: [], status: "queued" };
      const lines = page.lines.map((text) => ({ id: `${1000 + line}-${line++}`, ts: "2025-11-23T09:00:00.000Z", text }));
      return Response.json({ lines, status: page.status });
    }
    return Response.json(final);
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
  it("prints each line once, passes the last line id as the cursor, and ends when the deployment is live", async () => {
    const s = setup(
      [
        { lines: ["Pulling", "Starting"], status: "starting" },
        { lines: [], status: "health_checking" },
        { lines: ["Healthy", "\u001b[31mred\u001b[0m"], status: "live" },
      ],
      deployment("live"),
    );
    await follow(s.ctx, s.api, ref, deployment("queued") as never, { sleep: async () => {} });
    assert.deepEqual(s.cursors, [null, "1001-1", "1001-1"]);
    assert.equal(s.out().stdout, `Pulling\nStarting\nHealthy\n\\x1b[31mred\\x1b[0m\nDeployment ${ID} is live (release v3).\n`);
  });

  it("fails with the reason when the deployment does not go live", async () => {
    const s = setup([{ lines: ["boom"], status: "failed" }], deployment("failed", "health check failed"));
    await assert.rejects(
      follow(s.ctx, s.api, ref, deployment("queued") as never, { sleep: async () => {} }),
      (e) => e instanceof CliError && e.exitCode === EXIT.failure && e.message === `deployment ${ID} ended failed: health check failed`,
    );
  });

  it("stops following on Ctrl-C and says how to cancel", async () => {
    const s = setup([{ lines: ["building"], status: "building" }], deployment("building"));
    await assert.rejects(
      follow(s.ctx, s.api, ref, deployment("queued") as never, { sleep: async () => s.interrupt() }),
      (e) => e instanceof CliError && e.exitCode === EXIT.interrupted,
    );
    assert.equal(s.out().stderr, `the deployment goes on; cancel with berth cancel acme/web ${ID}\n`);
  });
});
