// Bad input at the registry's three edges, against the real stack: the token endpoint
// (malformed scopes, services and credentials), the registry itself (JWTs Berth did not
// issue, or issued wrongly), and the notification endpoint (bad secrets, bodies, envelopes,
// repeated events). Each answers a clean 4xx (or a grant of nothing) and stores nothing.
import assert from "node:assert/strict";
import { generateKeyPairSync, type KeyObject, randomUUID, sign } from "node:crypto";
import { join, resolve } from "node:path";
import { after, before, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { QUEUE_PREFIX, QUEUES } from "@berth/core";
import { registryEventJobId } from "@berth/core/registry/event-job-id";
import { MANIFEST_TYPES } from "@berth/core/registry/registry-client";
import { signJwt } from "@berth/core/registry/sign-jwt";
import { loadTokenKeys, type TokenKeys } from "@berth/core/registry/token-keys";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import pg from "pg";
import { rand, signUp, type TestUser, teamWith } from "./api.ts";
import { fakeIp, stack } from "./config.ts";
import { pushImage, registryHost, tagRow } from "./registry.ts";

const need = (name: string): string => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run integration tests through \`npm test\``);
  return v;
};
const NOTIFY_SECRET = need("BERTH_REGISTRY_NOTIFY_SECRET");
const SERVICE = process.env.BERTH_REGISTRY_SERVICE ?? "berth-registry";
const home = resolve(join(import.meta.dirname, "../.."), process.env.BERTH_HOME ?? ".berth");
const realKeys: TokenKeys = loadTokenKeys(join(home, "registry/token.key"), join(home, "registry/token.crt"));

let owner: TestUser;
let outsider: TestUser;
let team: string;
let redis: Redis;
let registryQueue: Queue;
let db: pg.Client;

before(async () => {
  [owner, outsider] = await Promise.all([signUp(), signUp()]);
  team = await teamWith(owner);
  await pushImage({ user: owner, image: `${team}/app:v1` });
  redis = new Redis(stack.redisUrl, { maxRetriesPerRequest: null });
  registryQueue = new Queue(QUEUES.registry, { connection: redis, prefix: QUEUE_PREFIX });
  db = new pg.Client({ connectionString: stack.databaseUrl });
  await db.connect();
});

after(async () => {
  await registryQueue?.close();
  redis?.disconnect();
  await db?.end();
});

// ---- helpers ---------------------------------------------------------------------------

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;

type TokenAnswer = { status: number; body: { token?: string; errors?: { code: string; message: string }[] }; headers: Headers };

async function requestToken(o: { scopes?: string[]; service?: string | null; authorization?: string }): Promise<TokenAnswer> {
  const url = new URL(`${stack.webUrl}/api/registry/token`);
  if (o.service !== null) url.searchParams.set("service", o.service ?? SERVICE);
  for (const s of o.scopes ?? []) url.searchParams.append("scope", s);
  const res = await fetch(url, { headers: o.authorization ? { authorization: o.authorization } : {} });
  return { status: res.status, body: await res.json(), headers: res.headers };
}

type Claims = { iss: string; sub: string; aud: string; exp: number; access: { type: string; name: string; actions: string[] }[] };

function claimsOf(token: string | undefined): Claims {
  assert.ok(token, "a token in the answer");
  const [, payload] = token.split(".");
  return JSON.parse(Buffer.from(payload ?? "", "base64url").toString("utf8"));
}

/** The actions granted for one repository name (none when it is not in `access` at all). */
const grantedFor = (claims: Claims, name: string) => claims.access.filter((g) => g.name === name).flatMap((g) => g.actions);

const b64url = (v: string | Buffer) => Buffer.from(v).toString("base64url");

/** A JWT with any header, signed ES256 by `key` (or unsigned when `key` is null). */
function craftJwt(header: Record<string, unknown>, claims: Record<string, unknown>, key: KeyObject | null): string {
  const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
  const signature = key ? b64url(sign("sha256", Buffer.from(input), { key, dsaEncoding: "ieee-p1363" })) : "";
  return `${input}.${signature}`;
}

function goodClaims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  return {
    iss: "berth",
    sub: "registry-input-test",
    aud: SERVICE,
    exp: now + 60,
    nbf: now - 10,
    iat: now,
    jti: randomUUID(),
    access: [{ type: "repository", name: `${team}/app`, actions: ["pull"] }],
    ...overrides,
  };
}

async function getManifest(jwt: string): Promise<Response> {
  const res = await fetch(`http://${registryHost}/v2/${team}/app/manifests/v1`, {
    headers: { authorization: `Bearer ${jwt}`, accept: MANIFEST_TYPES.join(", ") },
  });
  await res.arrayBuffer();
  return res;
}

async function notify(body: string | ReadableStream<Uint8Array>, authorization: string | null = `Bearer ${NOTIFY_SECRET}`) {
  const headers: Record<string, string> = { "content-type": "application/vnd.docker.distribution.events.v1+json" };
  if (authorization !== null) headers.authorization = authorization;
  const init: RequestInit & { duplex?: "half" } = { method: "POST", headers, body };
  if (typeof body !== "string") init.duplex = "half";
  const res = await fetch(`${stack.webUrl}/api/registry/events`, init);
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

type EventInput = { id?: string; action: string; repository: string; tag?: string; digest?: string; method?: string; timestamp?: string };

function envelope(...events: EventInput[]): string {
  return JSON.stringify({
    events: events.map((e) => ({
      id: e.id ?? randomUUID(),
      timestamp: e.timestamp ?? new Date().toISOString(),
      action: e.action,
      target: {
        mediaType: "application/vnd.docker.distribution.manifest.v2+json",
        size: 528,
        digest: e.digest ?? `sha256:${"0".repeat(64)}`,
        length: 528,
        repository: e.repository,
        url: `http://${registryHost}/v2/${e.repository}/manifests/${e.digest ?? e.tag}`,
        tag: e.tag,
      },
      request: { id: randomUUID(), addr: "127.0.0.1:40000", host: registryHost, method: e.method ?? "GET", useragent: "registry-input-test" },
      actor: { name: "registry-input-test" },
      source: { addr: "127.0.0.1:5000", instanceID: randomUUID() },
    })),
  });
}

/** Waits until the worker has finished (or given up on) the job of one registry event. */
async function settled(eventId: string, ms = 20_000): Promise<string> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const job = await registryQueue.getJob(registryEventJobId(eventId));
    const state = job ? await job.getState() : "missing";
    if (state === "completed" || state === "failed") return state;
    await sleep(100);
  }
  throw new Error(`the worker never finished event ${eventId}`);
}

async function storedRepositories(teamSlug: string, name?: string): Promise<number> {
  const { rows } = await db.query(
    `SELECT count(*)::int AS n FROM image_repository r LEFT JOIN team t ON t.id = r."teamId" WHERE t.slug = $1 ${name ? "AND r.name = $2" : ""}`,
    name ? [teamSlug, name] : [teamSlug],
  );
  return rows[0].n;
}

async function repositoryPulls(teamSlug: string, name: string): Promise<number | undefined> {
  const { rows } = await db.query(`SELECT r."pullCount" FROM image_repository r JOIN team t ON t.id = r."teamId" WHERE t.slug = $1 AND r.name = $2`, [
    teamSlug,
    name,
  ]);
  return rows[0]?.pullCount;
}

// ---- token endpoint --------------------------------------------------------------------

describe("registry token endpoint", () => {
  it("answers malformed scopes with a token that grants nothing for them", async () => {
    const creds = basic(owner.username, owner.password);
    const malformed = [
      `repository:127.0.0.1:5000/${team}/app:pull`, // host:port prefix
      `repository:${registryHost}/${team}/app:pull,push`,
      `repository:${team}/app`, // no actions
      `repository:${team}/app:`, // empty actions
      `repository::pull`, // no name
      `repository:${team}:pull`, // no repository part
      `repository:${team}/app:pull:push`, // too many parts
      `repository:${team}/app:own,admin`, // unknown actions
      `repository:${team.toUpperCase()}/app:pull`, // uppercase namespace
      `repository:${team}/App:pull`, // uppercase repository
      `repository:${team}/../app:pull`,
      `repository:${team}//app:pull`,
      `repository:${team}/${"a".repeat(300)}:pull`, // longer than 255
      `repository:${team}/app:${"pull,".repeat(2048)}`, // a 10 KB scope
      `image:${team}/app:pull`, // unknown type
      "registry:catalog:*", // only instance admins
    ];
    assert.ok(malformed.some((s) => s.length >= 10_240));
    for (const scope of malformed) {
      const res = await requestToken({ scopes: [scope], authorization: creds });
      assert.equal(res.status, 200, `${scope.slice(0, 80)}: ${JSON.stringify(res.body)}`);
      const claims = claimsOf(res.body.token);
      assert.equal(claims.aud, SERVICE);
      assert.equal(claims.sub, owner.username);
      const granted = claims.access.flatMap((g) => g.actions);
      assert.deepEqual(granted, [], `${scope.slice(0, 80)} granted ${JSON.stringify(claims.access)}`);
    }
  });

  it("grants a well-formed scope beside malformed ones in the same request", async () => {
    const res = await requestToken({
      scopes: [`repository:127.0.0.1:5000/${team}/app:pull repository:${team}/app:pull repository:${team}/app:own`],
      authorization: basic(owner.username, owner.password),
    });
    assert.equal(res.status, 200);
    const claims = claimsOf(res.body.token);
    assert.deepEqual(grantedFor(claims, `${team}/app`), ["pull"]);
    assert.deepEqual(
      claims.access.filter((g) => g.name !== `${team}/app`),
      [],
    );
  });

  it("refuses a wrong or missing service with 400", async () => {
    for (const service of ["other-service", "", "BERTH-REGISTRY", `${SERVICE} `, null]) {
      const res = await requestToken({ service, scopes: [`repository:${team}/app:pull`], authorization: basic(owner.username, owner.password) });
      assert.equal(res.status, 400, `service ${JSON.stringify(service)}: ${JSON.stringify(res.body)}`);
      assert.equal(res.body.token, undefined);
      assert.equal(res.body.errors?.[0]?.code, "BAD_REQUEST");
    }
  });

  it("refuses a malformed Basic header with 401", async () => {
    for (const authorization of [
      "Basic !!!not-base64!!!",
      `Basic ${Buffer.from("no-colon-at-all").toString("base64")}`,
      `Basic ${Buffer.from(`:${owner.password}`).toString("base64")}`, // empty username
      `Basic ${Buffer.from([0xff, 0xfe, 0x00, 0x01]).toString("base64")}`,
    ]) {
      const res = await requestToken({ scopes: [`repository:${team}/app:pull`], authorization });
      assert.equal(res.status, 401, `${authorization}: ${JSON.stringify(res.body)}`);
      assert.equal(res.body.token, undefined);
      assert.match(res.headers.get("www-authenticate") ?? "", /^Basic /);
    }
  });

  it("refuses a wrong password or an unknown user with 401 and a message docker can print", async () => {
    const someone = await signUp();
    for (const authorization of [basic(someone.username, "wrong-password-123"), basic(`nobody-${rand()}`, "whatever-123")]) {
      const res = await requestToken({ scopes: [`repository:${someone.username}/app:pull`], authorization });
      assert.equal(res.status, 401);
      assert.equal(res.body.token, undefined);
      assert.match(res.body.errors?.[0]?.message ?? "", /incorrect username or password/);
    }
    const ok = await requestToken({ scopes: [`repository:${someone.username}/app:pull`], authorization: basic(someone.username, someone.password) });
    assert.equal(ok.status, 200, "the right password still works");
  });

  it("grants nothing on another team's private repository", async () => {
    const scope = `repository:${team}/app:pull,push,delete`;
    const theirs = await requestToken({ scopes: [scope], authorization: basic(outsider.username, outsider.password) });
    assert.equal(theirs.status, 200);
    assert.deepEqual(grantedFor(claimsOf(theirs.body.token), `${team}/app`), []);
    const anonymous = await requestToken({ scopes: [scope] });
    assert.deepEqual(grantedFor(claimsOf(anonymous.body.token), `${team}/app`), []);
    const mine = await requestToken({ scopes: [scope], authorization: basic(owner.username, owner.password) });
    assert.deepEqual(grantedFor(claimsOf(mine.body.token), `${team}/app`), ["pull", "push", "delete"]);
  });
});

// ---- the registry verifies what it is handed -------------------------------------------

describe("registry with JWTs Berth did not issue", () => {
  const foreign = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey;

  it("serves the manifest for a correctly signed, unexpired token for its audience", async () => {
    const res = await getManifest(signJwt(realKeys, goodClaims()));
    assert.equal(res.status, 200);
  });

  it("refuses a token signed by another key, whatever key id or certificate it names", async () => {
    const headers: Record<string, Record<string, unknown>> = {
      "real kid and certificate": { typ: "JWT", alg: "ES256", kid: realKeys.kid, x5c: realKeys.x5c },
      "real kid": { typ: "JWT", alg: "ES256", kid: realKeys.kid },
      "no key id": { typ: "JWT", alg: "ES256" },
      "its own JWK": { typ: "JWT", alg: "ES256", jwk: { ...foreign.export({ format: "jwk" }), d: undefined } },
    };
    for (const [what, header] of Object.entries(headers)) {
      const res = await getManifest(craftJwt(header, goodClaims(), foreign));
      assert.equal(res.status, 401, what);
      assert.match(res.headers.get("www-authenticate") ?? "", /^Bearer realm=/, what);
    }
  });

  it("refuses an expired token, a token for another audience or issuer, and a token for another repository", async () => {
    const now = Math.floor(Date.now() / 1000);
    const cases: Record<string, Record<string, unknown>> = {
      expired: goodClaims({ exp: now - 3600, nbf: now - 7200, iat: now - 7200 }),
      "not yet valid": goodClaims({ nbf: now + 3600, iat: now + 3600, exp: now + 7200 }),
      "other audience": goodClaims({ aud: "other-service" }),
      "other issuer": goodClaims({ iss: "not-berth" }),
      "other repository": goodClaims({ access: [{ type: "repository", name: `${team}/other`, actions: ["pull"] }] }),
    };
    for (const [what, claims] of Object.entries(cases)) {
      const res = await getManifest(signJwt(realKeys, claims));
      assert.equal(res.status, 401, what);
    }
  });

  it('refuses an unsigned token (alg "none")', async () => {
    for (const header of [
      { typ: "JWT", alg: "none" },
      { typ: "JWT", alg: "none", kid: realKeys.kid, x5c: realKeys.x5c },
    ]) {
      const res = await getManifest(craftJwt(header, goodClaims(), null));
      assert.equal(res.status, 401, JSON.stringify(Object.keys(header)));
    }
    // The real header and claims with the signature stripped.
    const [h, p] = signJwt(realKeys, goodClaims()).split(".");
    assert.equal((await getManifest(`${h}.${p}.`)).status, 401);
  });
});

// ---- notification endpoint -------------------------------------------------------------

describe("registry notification endpoint", () => {
  it("refuses a missing or wrong secret with 401", async () => {
    const body = envelope({ action: "pull", repository: `${team}/app`, tag: "v1" });
    for (const authorization of [
      null,
      "",
      // The secret with its last character changed (to one it is not).
      `Bearer ${NOTIFY_SECRET.slice(0, -1)}${NOTIFY_SECRET.endsWith("x") ? "y" : "x"}`,
      `Bearer ${NOTIFY_SECRET}x`,
      `Basic ${NOTIFY_SECRET}`,
      NOTIFY_SECRET,
      `bearer ${NOTIFY_SECRET}`,
    ]) {
      const res = await notify(body, authorization);
      assert.equal(res.status, 401, String(authorization?.slice(0, 8)));
    }
  });

  it("refuses a body that is not JSON, or JSON that is not an envelope, with 400", async () => {
    for (const body of ["", "not json", "{", "<events/>"]) {
      const res = await notify(body);
      assert.equal(res.status, 400, body);
      assert.match(res.body.error.message, /not JSON/);
    }
    const tooMany = Array.from({ length: 1001 }, () => ({ action: "pull", repository: `${team}/app`, tag: "v1" }));
    for (const body of [
      "null",
      "[]",
      "42",
      "{}",
      '{"events":"x"}',
      '{"events":[{"id":"x"}]}',
      JSON.stringify({ events: [{ id: "x", timestamp: "t", action: "explode", target: { repository: `${team}/app` } }] }),
      JSON.stringify({ events: [{ id: "", timestamp: "t", action: "push", target: { repository: `${team}/app` } }] }),
      JSON.stringify({ events: [{ id: "x", timestamp: "t", action: "push", target: { repository: "r".repeat(256) } }] }),
      envelope(...tooMany),
    ]) {
      const res = await notify(body);
      assert.equal(res.status, 400, body.slice(0, 80));
      assert.match(res.body.error.message, /not a registry event envelope/);
    }
  });

  it("refuses a body over 1 MiB with 413, with or without a Content-Length", async () => {
    const big = JSON.stringify({ events: [], padding: "x".repeat(1024 * 1024) });
    assert.equal((await notify(big)).status, 413);
    const chunk = new TextEncoder().encode("x".repeat(64 * 1024));
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= 20) return controller.close();
        sent++;
        controller.enqueue(chunk);
      },
    });
    assert.equal((await notify(stream)).status, 413);
    // Without the secret, the size does not matter: 401 first.
    assert.equal((await notify(big, null)).status, 401);
  });

  it("counts the 1 MiB limit in bytes, not characters", async () => {
    // A streamed body (no Content-Length) of 1.4 MB made of two-byte characters is only
    // 700 K characters long: the limit must count bytes.
    const bytes = new TextEncoder().encode(JSON.stringify({ events: [], padding: "é".repeat(700 * 1024) }));
    assert.ok(bytes.length > 1024 * 1024);
    let offset = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (offset >= bytes.length) return controller.close();
        controller.enqueue(bytes.subarray(offset, offset + 64 * 1024));
        offset += 64 * 1024;
      },
    });
    assert.equal((await notify(stream)).status, 413);
  });

  it("accepts a push event for a team that does not exist and stores nothing", async () => {
    const ghost = `ghost-${rand()}`;
    const id = randomUUID();
    const res = await notify(envelope({ id, action: "push", repository: `${ghost}/app`, tag: "v1", method: "PUT" }));
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { queued: 1 });
    assert.equal(await settled(id), "completed");
    assert.equal(await storedRepositories(ghost), 0);
    const { rows } = await db.query("SELECT count(*)::int AS n FROM team WHERE slug = $1", [ghost]);
    assert.equal(rows[0].n, 0, "no team appears");
  });

  it("stores nothing for a push event naming a tag the registry does not have", async () => {
    const id = randomUUID();
    const repo = `phantom-${rand()}`;
    const res = await notify(envelope({ id, action: "push", repository: `${team}/${repo}`, tag: "v1", method: "PUT" }));
    assert.equal(res.status, 200);
    assert.equal(await settled(id), "completed");
    assert.equal(await storedRepositories(team, repo), 0);
  });

  it("counts a pull event delivered twice (or twice in one envelope) exactly once", async () => {
    const repo = `pulls-${rand()}`;
    await pushImage({ user: owner, image: `${team}/${repo}:v1` });
    const before = await tagRow(`${team}/${repo}`, "v1");
    assert.equal(before?.pullCount, 0);

    const id = randomUUID();
    const event = envelope({ id, action: "pull", repository: `${team}/${repo}`, tag: "v1", digest: before?.digest });
    const [first, second] = await Promise.all([notify(event), notify(event)]);
    assert.equal(first.status, 200);
    assert.equal(second.status, 200);
    assert.equal(await settled(id), "completed");
    assert.equal((await notify(event)).status, 200, "a re-delivery after processing is accepted");
    const twice = randomUUID();
    const same = { id: twice, action: "pull", repository: `${team}/${repo}`, tag: "v1", digest: before?.digest };
    assert.equal((await notify(envelope(same, same))).status, 200);
    assert.equal(await settled(twice), "completed");
    await sleep(1000); // give a wrongly queued duplicate the time to land

    assert.equal((await tagRow(`${team}/${repo}`, "v1"))?.pullCount, 2, "two distinct events, two pulls");
    assert.equal(await repositoryPulls(team, repo), 2);
  });

  it("refuses an event whose timestamp is not a date, and counts nothing for it", async () => {
    // Refused at the endpoint, so no job can half-count a pull and then fail on the date.
    const repo = `badtime-${rand()}`;
    await pushImage({ user: owner, image: `${team}/${repo}:v1` });
    const digest = (await tagRow(`${team}/${repo}`, "v1"))?.digest;
    const id = randomUUID();
    const res = await notify(envelope({ id, action: "pull", repository: `${team}/${repo}`, tag: "v1", digest, timestamp: "yesterday" }));
    if (res.status === 200) await settled(id, 30_000);
    assert.equal(res.status, 400, "an event timestamp that is not a date is malformed input");
    assert.equal(await repositoryPulls(team, repo), 0);
    assert.equal((await tagRow(`${team}/${repo}`, "v1"))?.pullCount, 0);
  });
});

describe("token endpoint login limits", () => {
  it("answers 429 after 100 failed logins from one address, across accounts", async () => {
    const ip = fakeIp();
    const attempt = (i: number) =>
      fetch(`${stack.webUrl}/api/registry/token?service=${SERVICE}`, {
        headers: { authorization: `Basic ${Buffer.from(`nobody-${i}@example.test:wrong-password`).toString("base64")}`, "x-forwarded-for": ip },
      });
    let status = 0;
    for (let i = 0; i < 110 && status !== 429; i++) status = (await attempt(i)).status;
    assert.equal(status, 429);
    const body = (await (await attempt(999)).json()) as { errors: { message: string }[] };
    assert.match(body.errors[0]?.message ?? "", /too many failed logins from your address/);
  });
});
