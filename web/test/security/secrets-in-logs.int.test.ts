// Issue 14, item 5: a failed health check shows the container's last lines in the deployment's log
// and reason, which every viewer reads. An app prints its secret env value (and, as a canary, a
// plain value) and then fails its health check — once by exiting, once by never answering. The
// secret is in neither the deployment log, its reason, the API's answers, nor any text column of
// the database; the canary is, which proves each search finds what is there.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { call, signUp, type TestUser, teamWith } from "../api.ts";
import { stack } from "../config.ts";
import { deploymentLog, waitForDeployment } from "../deploys.ts";
import { sql } from "../sql.ts";

const IMAGE = `${stack.registryHost}/berth/busybox:latest`;
let dev: TestUser;
let viewer: TestUser;
let team: string;

before(async () => {
  [dev, viewer] = await Promise.all([signUp(), signUp()]);
  team = await teamWith(dev, [{ user: viewer, role: "viewer" }]);
});

after(async () => {
  if (dev) await call("deleteTeam", { cookie: dev.cookie, params: { team } });
});

/** Every text, varchar and json column of every table in the database, searched for `needle`: "table.column" where found. */
async function databaseHits(needle: string): Promise<string[]> {
  const columns = await sql<{ table_name: string; column_name: string }>(
    `SELECT table_name, column_name FROM information_schema.columns
     WHERE table_schema = current_schema() AND data_type IN ('text', 'character varying', 'json', 'jsonb', 'ARRAY')`,
  );
  const hits: string[] = [];
  for (const c of columns) {
    const [row] = await sql<{ n: number }>(`SELECT count(*)::int AS n FROM "${c.table_name}" WHERE "${c.column_name}"::text LIKE $1`, [`%${needle}%`]);
    if ((row?.n ?? 0) > 0) hits.push(`${c.table_name}.${c.column_name}`);
  }
  return hits;
}

/** Deploys an app that prints `secret` and `canary` with `cmd`, and returns everything a viewer can read of its failure. */
async function failedDeploy(app: string, secret: string, canary: string, script: string) {
  const created = await call("createApp", {
    cookie: dev.cookie,
    params: { team },
    body: {
      name: app,
      image: IMAGE,
      env: { API_KEY: { value: secret, secret: true }, GREETING: { value: canary } },
      config: { port: 8080, cmd: ["sh", "-c", script], healthCheck: { type: "tcp", timeoutS: 1, attempts: 12, intervalMs: 250 } },
    },
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const d = await call("createDeployment", { cookie: dev.cookie, params: { team, app }, body: {} });
  assert.equal(d.status, 201, JSON.stringify(d.body));
  const as = { cookie: viewer.cookie };
  const done = await waitForDeployment(as, team, app, d.body.id, 120_000);
  assert.equal(done.status, "failed", JSON.stringify(done));
  // The archiver copies the log streams to Postgres every 500 ms.
  await sleep(2_000);
  const log = await deploymentLog(as, team, app, d.body.id);
  const answers = await Promise.all([
    call("getDeployment", { ...as, params: { team, app, id: d.body.id } }),
    call("listDeployments", { ...as, params: { team, app } }),
    call("getApp", { ...as, params: { team, app } }),
    call("listApps", { ...as, params: { team } }),
    call("listAppLogs", { ...as, params: { team, app }, query: { limit: "1000" } }),
    call("getDeploymentLog", { ...as, params: { team, app, id: d.body.id }, query: { limit: "5000" } }),
  ]);
  for (const a of answers) assert.equal(a.status, 200, JSON.stringify(a.body));
  return { reason: String(done.reason ?? ""), log: log.join("\n"), api: JSON.stringify(answers.map((a) => a.body)) };
}

describe("a failed health check's last lines", () => {
  for (const [variant, script] of [
    ["exits", 'echo "the key is $API_KEY"; echo "greeting $GREETING"; echo "again:$API_KEY:" >&2; exit 3'],
    ["never answers", 'echo "the key is $API_KEY"; echo "greeting $GREETING"; echo "again:$API_KEY:" >&2; sleep 600'],
  ] as const) {
    it(`hold no secret when the container ${variant}`, async () => {
      const secret = `s3cr3t-${randomBytes(12).toString("hex")}`;
      const canary = `canary-${randomBytes(12).toString("hex")}`;
      const app = variant === "exits" ? "leaky-exit" : "leaky-hang";
      const seen = await failedDeploy(app, secret, canary, script);

      assert.match(seen.log, new RegExp(`greeting ${canary}`), `the last lines are in the log:\n${seen.log}`);
      assert.match(seen.log, /the key is \[redacted\]/, seen.log);
      assert.match(seen.reason, /health check failed/);
      assert.ok(!seen.log.includes(secret), `the secret is in the deployment log:\n${seen.log}`);
      assert.ok(!seen.reason.includes(secret), `the secret is in the reason: ${seen.reason}`);
      assert.ok(seen.api.includes(canary), "the API's answers include the canary");
      assert.ok(!seen.api.includes(secret), "the secret is in an API answer");

      const canaryHits = await databaseHits(canary);
      assert.ok(canaryHits.includes("log_line.text"), `the canary reached the archived log: ${canaryHits.join(", ")}`);
      assert.deepEqual(await databaseHits(secret), [], "the secret is in the database in the clear");
    });
  }
});
