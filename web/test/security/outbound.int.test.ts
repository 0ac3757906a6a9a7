// A hostile tenant aims Berth's own requests (server-side request forgery) at loopback, the LAN and
// metadata stand-ins and the control plane's ports: webhooks, repository URLs and Dockerfile
// `ADD <url>`. Each is refused with the outbound policy's message, at the API and again where the
// request would be made, and recording listeners prove nothing arrived. An instance admin's
// allowance of one exact address opens it, and a redirect from an allowed listener is not followed.
// Uses the test network: run under `flock /tmp/berth-testnet.lock`.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { STAND_INS } from "../../../infra/testnet/constants.ts";
import { type RecordingListener, type TestNetwork, testNetwork } from "../../../infra/testnet/testnet.ts";
import { call, rand, signUp, type TestUser, teamWith } from "../api.ts";
import { signIn, stack } from "../config.ts";
import { deliverRepoWebhook, tarOf, uploadBuild, waitForDeployment } from "../deploys.ts";
import { allowOutbound } from "../outbound.ts";
import { pushImage } from "../registry.ts";
import { sql } from "../sql.ts";

const CADDY_ADMIN_PORT = process.env.BERTH_CADDY_ADMIN_PORT ?? "2019";
const INTERNET = STAND_INS.internet.address;
const LAN = STAND_INS.lan.address;
const META = STAND_INS.meta.address;
const POLICY =
  /^refused: .+ resolves to .+; Berth sends requests only to public addresses unless an instance admin allows this one \(Admin → Settings → Outbound allow list\)$/;
const BASE_IMAGE = `${stack.registryHost}/berth/busybox:latest`;
const EMPTY = mkdtempSync(join(tmpdir(), "berth-outbound-"));

let net: TestNetwork;
let adminCookie: string;
let owner: TestUser;
let loopback: Server;
let loopbackPort = 0;
const arrivedOnLoopback: string[] = [];
let lan: RecordingListener;
let meta: RecordingListener;
let internet: RecordingListener;
let redirector: RecordingListener;

before(async () => {
  net = await testNetwork();
  adminCookie = await signIn(stack.adminEmail, stack.adminPassword);
  owner = await signUp();
  loopback = createServer((req, res) => {
    arrivedOnLoopback.push(`${req.method} ${req.url}`);
    res.writeHead(200).end("loopback\n");
  });
  await new Promise<void>((resolve) => loopback.listen(0, "127.0.0.1", resolve));
  loopbackPort = (loopback.address() as { port: number }).port;
  [lan, meta, internet] = await Promise.all([net.listener("lan"), net.listener("meta"), net.listener("internet")]);
  redirector = await net.listener("internet", { port: 8081, redirect: `http://127.0.0.1:${loopbackPort}/redirected` });
});

after(async () => {
  loopback?.close();
  rmSync(EMPTY, { recursive: true, force: true });
  await net?.destroy();
});

/** Nothing reached any listener the attacks aimed at. */
function nothingArrived(what: string) {
  assert.deepEqual(arrivedOnLoopback, [], `${what}: requests reached the loopback listener`);
  assert.deepEqual(lan.requests(), [], `${what}: requests reached the LAN stand-in`);
  assert.deepEqual(meta.requests(), [], `${what}: requests reached the metadata stand-in`);
}

function refused(res: { status: number; body: { error?: { message?: string } } }, what: string, pattern: RegExp = POLICY) {
  assert.equal(res.status, 400, `${what}: ${JSON.stringify(res.body)}`);
  assert.match(res.body.error?.message ?? "", pattern, what);
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const v = await probe();
    if (v !== undefined) return v;
    await sleep(200);
  }
  throw new Error(`timed out waiting for ${what}`);
}

type Delivery = { status: string; error: string | null; responseCode: number | null; attempts: number };
const deliveries = async (team: string, id: string): Promise<Delivery[]> =>
  (await call("listDeliveries", { cookie: owner.cookie, params: { team, id } })).body.deliveries;

describe("webhooks", () => {
  it("refuses webhooks aimed at loopback, Caddy's admin API, the LAN and metadata, and creates none", async () => {
    const team = await teamWith(owner);
    for (const url of [
      `http://127.0.0.1:${loopbackPort}/hook`,
      `http://localhost:${loopbackPort}/hook`,
      `http://[::ffff:127.0.0.1]:${loopbackPort}/hook`,
      `http://127.0.0.1:${CADDY_ADMIN_PORT}/stop`,
      `http://${LAN}/hook`,
      `http://${META}/latest/meta-data/`,
      "http://169.254.169.254/latest/meta-data/",
    ]) {
      refused(await call("createWebhook", { cookie: owner.cookie, params: { team }, body: { url } }), url);
    }
    const res = await call("createWebhook", { cookie: owner.cookie, params: { team }, body: { url: `http://127.0.0.1:${CADDY_ADMIN_PORT}/stop` } });
    assert.equal(
      res.body.error.message,
      `refused: http://127.0.0.1:${CADDY_ADMIN_PORT}/stop resolves to 127.0.0.1, a loopback address; Berth sends requests only to public addresses unless an instance admin allows this one (Admin → Settings → Outbound allow list)`,
    );
    assert.deepEqual((await call("listWebhooks", { cookie: owner.cookie, params: { team } })).body.webhooks, []);
    nothingArrived("webhook creation");
  });

  it("refuses at delivery a webhook whose URL was changed below the API to loopback or the LAN", async () => {
    const team = await teamWith(owner);
    const ids: string[] = [];
    for (const target of [`http://127.0.0.1:${loopbackPort}/direct`, `http://${LAN}/direct`]) {
      // A name that does not resolve passes the API (the worker checks again); the row is then pointed elsewhere.
      const created = await call("createWebhook", { cookie: owner.cookie, params: { team }, body: { url: `http://hook-${rand()}.invalid/` } });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      await sql(`UPDATE webhook SET url = $1 WHERE id = $2`, [target, created.body.webhook.id]);
      ids.push(created.body.webhook.id);
    }
    await pushImage({ user: owner, image: `${team}/direct-${rand()}:v1` });
    for (const id of ids) {
      const [d] = await waitFor("a refused delivery", async () => {
        const list = await deliveries(team, id);
        return list.some((x) => x.status === "failed") ? list : undefined;
      });
      assert.equal(d?.status, "failed");
      assert.equal(d?.responseCode, null);
      assert.match(d?.error ?? "", POLICY);
    }
    nothingArrived("webhook delivery");
  });

  it("refuses the internet stand-in until an admin allows its address, then delivers; a redirect to loopback is not followed", async () => {
    const team = await teamWith(owner);
    const url = `http://${INTERNET}/allowed`;
    refused(await call("createWebhook", { cookie: owner.cookie, params: { team }, body: { url } }), "before the admin allows it", /a private address/);
    const allowance = await allowOutbound(adminCookie, [INTERNET]);
    try {
      const created = await call("createWebhook", { cookie: owner.cookie, params: { team }, body: { url } });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      const redirecting = await call("createWebhook", { cookie: owner.cookie, params: { team }, body: { url: `http://${INTERNET}:${redirector.port}/go` } });
      assert.equal(redirecting.status, 201, JSON.stringify(redirecting.body));
      const repo = `allowed-${rand()}`;
      await pushImage({ user: owner, image: `${team}/${repo}:v1` });
      const got = await internet.waitForRequest((r) => r.path === "/allowed" && r.body.includes(repo), 30_000);
      assert.equal(got.headers["x-berth-event"], "image.pushed");
      await redirector.waitForRequest((r) => r.path === "/go", 30_000);
      const [first] = await waitFor("the redirect recorded", async () => {
        const list = await deliveries(team, redirecting.body.webhook.id);
        return list.some((d) => d.responseCode === 302) ? list : undefined;
      });
      assert.match(first?.error ?? "", /HTTP 302: Berth does not follow redirects/);
      assert.notEqual(first?.status, "delivered");
    } finally {
      await allowance.restore();
    }
    // The allowance is gone: the same destination is refused again.
    refused(await call("createWebhook", { cookie: owner.cookie, params: { team }, body: { url } }), "after the allowance was removed", /a private address/);
    assert.deepEqual(arrivedOnLoopback, [], "the redirect to loopback was not followed");
  });
});

describe("the control plane's own addresses", () => {
  it("stay refused when an admin allows a range around them: only an exact entry opens them", async () => {
    const team = await teamWith(owner);
    const allowance = await allowOutbound(adminCookie, ["10.231.0.0/24"]);
    try {
      // The range opens the LAN stand-in…
      const lanHook = await call("createWebhook", { cookie: owner.cookie, params: { team }, body: { url: `http://${LAN}/ok` } });
      assert.equal(lanHook.status, 201, JSON.stringify(lanHook.body));
      // …but not a registered Berth host (the second local host) nor this machine's own address on the bridge.
      for (const url of [`http://${stack.host2Address}:${CADDY_ADMIN_PORT}/`, "http://10.231.0.1:2019/stop"]) {
        refused(
          await call("createWebhook", { cookie: owner.cookie, params: { team }, body: { url } }),
          url,
          /an address of Berth's own servers; Berth sends requests/,
        );
      }
    } finally {
      await allowance.restore();
    }
  });
});

/** Sends a push event as GitHub does, signed with the app's webhook secret. */
const pushEvent = (appId: string, secret: string, after: string) => deliverRepoWebhook(appId, "push", { ref: "refs/heads/main", after }, secret);

describe("repository URLs", () => {
  it("refuses repositories aimed at loopback, the LAN and git:// at the API, on create and on update", async () => {
    const team = await teamWith(owner);
    for (const url of [`http://127.0.0.1:${loopbackPort}/x.git`, `http://localhost:${loopbackPort}/x.git`, `https://${LAN}/x.git`, `http://${META}/x.git`]) {
      refused(await call("createApp", { cookie: owner.cookie, params: { team }, body: { name: `r${rand()}`, repository: { url } } }), url);
    }
    refused(
      await call("createApp", { cookie: owner.cookie, params: { team }, body: { name: `r${rand()}`, repository: { url: "git://example.com/x.git" } } }),
      "git://",
      /git:\/\/ URLs are not supported .* use the repository's https:\/\/ URL/,
    );
    const name = `r${rand()}`;
    assert.equal((await call("createApp", { cookie: owner.cookie, params: { team }, body: { name } })).status, 201);
    refused(
      await call("updateApp", { cookie: owner.cookie, params: { team, app: name }, body: { repository: { url: `http://127.0.0.1:${loopbackPort}/x.git` } } }),
      "update",
    );
    const [row] = await sql<{ repoUrl: string | null }>(`SELECT "repoUrl" FROM app WHERE name = $1`, [name]);
    assert.equal(row?.repoUrl, null, "the refused URL was not stored");
    nothingArrived("repository URLs at the API");
  });

  it("refuses in the worker a repository changed below the API to loopback, before git runs", async () => {
    const team = await teamWith(owner);
    const name = `r${rand()}`;
    const created = await call("createApp", {
      cookie: owner.cookie,
      params: { team },
      body: { name, repository: { url: `https://git-${rand()}.invalid/x.git` } },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const rotated = await call("rotateWebhookSecret", { cookie: owner.cookie, params: { team, app: name } });
    assert.equal(rotated.status, 200, JSON.stringify(rotated.body));
    const target = `http://127.0.0.1:${loopbackPort}/x.git`;
    await sql(`UPDATE app SET "repoUrl" = $1 WHERE id = $2`, [target, created.body.app.id]);
    // The deploy route checks at once…
    refused(await call("deployRepository", { cookie: owner.cookie, params: { team, app: name }, body: {} }), "deployRepository");
    // …and a push webhook (no user to answer) reaches the worker, which checks again.
    const pushed = await pushEvent(created.body.app.id, rotated.body.secret, "a".repeat(40));
    assert.equal(pushed.status, 202, JSON.stringify(pushed.body));
    const done = await waitForDeployment({ cookie: owner.cookie }, team, name, pushed.body.deploymentId);
    assert.equal(done.status, "failed");
    assert.match(done.reason, /refused: http:\/\/127\.0\.0\.1:\d+\/x\.git resolves to 127\.0\.0\.1, a loopback address/);
    nothingArrived("repository fetch in the worker");
  });

  it("seals a repository URL's credentials at rest and never shows them", async () => {
    const team = await teamWith(owner);
    const token = `tok-${rand()}${rand()}`;
    const name = `r${rand()}`;
    const created = await call("createApp", {
      cookie: owner.cookie,
      params: { team },
      body: { name, repository: { url: `https://bot:${token}@git-${rand()}.invalid/org/x.git` } },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.ok(!JSON.stringify(created.body).includes(token), "not in the answer");
    assert.match(created.body.app.repository.url, /^https:\/\/\*\*\*@git-/);
    const [row] = await sql<{ repoUrl: string; repoCredentials: string }>(`SELECT "repoUrl", "repoCredentials" FROM app WHERE id = $1`, [created.body.app.id]);
    assert.ok(row && !row.repoUrl.includes(token) && !row.repoCredentials.includes(token) && !row.repoCredentials.includes("bot"), JSON.stringify(row));
    const audit = await sql(`SELECT data::text AS d FROM audit_event WHERE target = $1`, [name]);
    assert.ok(audit.length > 0 && audit.every((a) => !String(a.d).includes(token)), "not in the audit log");
    const shown = await call("getApp", { cookie: owner.cookie, params: { team, app: name } });
    assert.ok(!JSON.stringify(shown.body).includes(token), "not shown by getApp");
  });
});

describe("Dockerfile ADD <url>", () => {
  for (const [what, url] of [
    ["Caddy's admin API", `http://127.0.0.1:${CADDY_ADMIN_PORT}/config/`],
    ["a loopback listener", () => `http://127.0.0.1:${loopbackPort}/add`],
    ["the LAN stand-in", `http://${LAN}/add`],
  ] as const) {
    it(`refuses ADD of ${what} before the engine fetches it`, async () => {
      const team = await teamWith(owner);
      const app = `a${rand()}`;
      assert.equal((await call("createApp", { cookie: owner.cookie, params: { team }, body: { name: app } })).status, 201);
      const source = typeof url === "function" ? url() : url;
      const up = await uploadBuild({ cookie: owner.cookie }, team, app, tarOf(EMPTY, { Dockerfile: `FROM ${BASE_IMAGE}\nADD ${source} /x\n` }));
      assert.equal(up.status, 201, JSON.stringify(up.body));
      const done = await waitForDeployment({ cookie: owner.cookie }, team, app, up.body.id);
      assert.equal(done.status, "failed");
      // Refused by the worker's fetch through the policy (worker/src/builds/fetch-add-sources.ts): the engine never fetches it.
      assert.match(done.reason, /ADD .+: refused: .+ resolves to .+; Berth sends requests only to public addresses/);
      nothingArrived(`ADD of ${what}`);
    });
  }
});
