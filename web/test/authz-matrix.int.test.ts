// The authorization matrix: every API route x every kind of caller -> the expected status.
// A route in ROUTES (or a route file under app/api/v1) that is missing here fails the test.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { after, before, describe, it } from "node:test";
import { ROUTES, type RouteName } from "@berth/core";
import { io } from "socket.io-client";
import { type CallOptions, call, rand, signInAs, signUp, type TestUser, teamWith } from "./api.ts";
import { signIn, stack } from "./config.ts";
import { type LoginRegistry, loginRegistry } from "./login-registry.ts";
import { pushImage } from "./registry.ts";
import { sql } from "./sql.ts";

async function seedWebhook(): Promise<string> {
  const res = await call("createWebhook", { cookie: users.owner.cookie, params: { team }, body: { url: "http://hook.invalid/hook" } });
  return res.body.webhook.id;
}

async function seedRegistryCredential(): Promise<string> {
  const res = await call("addRegistryCredential", { cookie: users.owner.cookie, params: { team }, body: registryLogin() });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body.registry.id;
}

/** A credential Berth can check (it logs in before storing one): the right one for a registry of this test's own. */
let loginReg: LoginRegistry | undefined;
const registryLogin = () => {
  if (!loginReg) throw new Error("the login registry is not running");
  return { host: loginReg.host, username: loginReg.username, password: loginReg.password };
};

/** A repository with tag v1 in the team, pushed through the real registry by the owner. */
async function seedRepository(teamSlug: string): Promise<string> {
  const repo = `r-${rand()}`;
  await pushImage({ user: users.owner, image: `${teamSlug}/${repo}:v1` });
  return repo;
}

/** An app of the matrix team (no image, never deployed); returns its name. */
async function seedApp(): Promise<string> {
  const name = `m-${rand()}`;
  const res = await call("createApp", { cookie: users.owner.cookie, params: { team }, body: { name } });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  appIds.set(name, res.body.app.id);
  return name;
}

/** Rows web does not create itself (a worker's deployment in some state, a release), straight into the database. */

async function seedDeployment(status: "queued" | "failed"): Promise<string> {
  const id = randomUUID();
  await sql(`INSERT INTO deployment (id, "appId", kind, "imageRef", status) VALUES ($1, $2, 'image', 'x', $3::"DeploymentStatus")`, [
    id,
    appIds.get(app),
    status,
  ]);
  return id;
}

let releaseVersion = 0;
async function seedRelease(): Promise<string> {
  releaseVersion++;
  const config = { app: { port: 8080, replicas: 1, memoryMb: 64, cpus: 0.1, healthCheck: {}, volumes: [], binds: [] }, env: [] };
  await sql(`INSERT INTO release (id, "appId", version, "imageRef", config) VALUES ($1, $2, $3, $4, $5)`, [
    randomUUID(),
    appIds.get(app),
    releaseVersion,
    `${stack.registryHost}/${team}/nothing:1`,
    JSON.stringify(config),
  ]);
  return String(releaseVersion);
}

const ACTORS = ["owner", "admin", "developer", "viewer", "outsider", "anonymous"] as const;
type Actor = (typeof ACTORS)[number];
type Expect = Record<Actor, number>;

const all = (n: number): Expect => ({ owner: n, admin: n, developer: n, viewer: n, outsider: n, anonymous: 401 });
const byRole = (owner: number, admin: number, developer: number, viewer: number): Expect => ({
  owner,
  admin,
  developer,
  viewer,
  outsider: 404,
  anonymous: 401,
});

let users: Record<Exclude<Actor, "anonymous">, TestUser>;
let team: string;
let adminCookie: string;
/** The matrix team's app that read and change routes use. */
let app: string;
const appIds = new Map<string, string>();

/** A fresh team where every actor has its role, for routes that change or delete things. */
const freshTeam = () =>
  teamWith(users.owner, [
    { user: users.admin, role: "admin" },
    { user: users.developer, role: "developer" },
    { user: users.viewer, role: "viewer" },
  ]);

type Case = { expect: Expect; prepare?: (actor: Actor) => Promise<CallOptions> };

const MATRIX: Record<RouteName, Case> = {
  me: { expect: all(200) },
  listTeams: { expect: all(200) },
  createTeam: { expect: all(201), prepare: async () => ({ body: { slug: `m-${rand()}`, name: "Matrix" } }) },
  getTeam: { expect: byRole(200, 200, 200, 200) },
  updateTeam: { expect: byRole(200, 200, 403, 403), prepare: async () => ({ body: { name: "Renamed" } }) },
  deleteTeam: { expect: byRole(204, 403, 403, 403), prepare: async () => ({ params: { team: await freshTeam() } }) },
  listMembers: { expect: byRole(200, 200, 200, 200) },
  updateMember: {
    expect: byRole(200, 200, 403, 403),
    prepare: async () => ({ params: { team: await freshTeam(), userId: users.viewer.id }, body: { role: "developer" } }),
  },
  removeMember: { expect: byRole(204, 204, 403, 403), prepare: async () => ({ params: { team: await freshTeam(), userId: users.viewer.id } }) },
  // The only owner may not leave; everyone else may.
  leaveTeam: { expect: byRole(409, 204, 204, 204), prepare: async () => ({ params: { team: await freshTeam() } }) },
  listInvitations: { expect: byRole(200, 200, 403, 403) },
  createInvitation: { expect: byRole(201, 201, 403, 403), prepare: async () => ({ body: { role: "viewer" } }) },
  revokeInvitation: {
    expect: byRole(204, 204, 403, 403),
    prepare: async () => {
      const inv = await call("createInvitation", { cookie: users.owner.cookie, params: { team }, body: { role: "viewer" } });
      return { params: { team, id: inv.body.invitation.id } };
    },
  },
  acceptInvitation: {
    // Invitations of a team none of the actors is in, so everyone signed in can join.
    expect: all(200),
    prepare: async () => {
      const host = await signUp();
      const other = await teamWith(host);
      const inv = await call("createInvitation", { cookie: host.cookie, params: { team: other }, body: { role: "viewer" } });
      return { body: { token: inv.body.token } };
    },
  },
  teamAudit: { expect: byRole(200, 200, 403, 403) },
  listTokens: { expect: all(200) },
  createToken: { expect: all(201), prepare: async () => ({ body: { name: "matrix", scopes: ["registry:read"], expiresInDays: 1 } }) },
  revokeToken: {
    // Each actor revokes a token of their own; somebody else's token id is "not found".
    expect: { owner: 204, admin: 204, developer: 204, viewer: 204, outsider: 204, anonymous: 401 },
    prepare: async (a) => {
      const owner = a === "anonymous" ? users.owner : users[a];
      const t = await call("createToken", { cookie: owner.cookie, body: { name: "to-revoke", scopes: ["registry:read"] } });
      return { params: { id: t.body.token.id } };
    },
  },
  adminAudit: { expect: { owner: 403, admin: 403, developer: 403, viewer: 403, outsider: 403, anonymous: 401 } },
  getSettings: { expect: { owner: 403, admin: 403, developer: 403, viewer: 403, outsider: 403, anonymous: 401 } },
  updateSettings: {
    expect: { owner: 403, admin: 403, developer: 403, viewer: 403, outsider: 403, anonymous: 401 },
    prepare: async () => ({ body: { signupOpen: true } }),
  },
  listRepositories: { expect: byRole(200, 200, 200, 200) },
  getRepository: { expect: byRole(200, 200, 200, 200), prepare: async () => ({ params: { repo: await seedRepository(team) } }) },
  updateRepository: {
    expect: byRole(200, 200, 403, 403),
    prepare: async () => ({ params: { repo: await seedRepository(team) }, body: { description: "matrix" } }),
  },
  getTag: { expect: byRole(200, 200, 200, 200), prepare: async () => ({ params: { repo: await seedRepository(team), tag: "v1" } }) },
  deleteTag: { expect: byRole(204, 204, 403, 403), prepare: async () => ({ params: { repo: await seedRepository(team), tag: "v1" } }) },
  starRepository: { expect: byRole(200, 200, 200, 200), prepare: async () => ({ params: { repo: await seedRepository(team) } }) },
  unstarRepository: { expect: byRole(200, 200, 200, 200), prepare: async () => ({ params: { repo: await seedRepository(team) } }) },
  teamUsage: { expect: byRole(200, 200, 200, 200) },
  explore: { expect: { owner: 200, admin: 200, developer: 200, viewer: 200, outsider: 200, anonymous: 200 } },
  listWebhooks: { expect: byRole(200, 200, 403, 403) },
  createWebhook: { expect: byRole(201, 201, 403, 403), prepare: async () => ({ body: { url: "http://hook.invalid/hook" } }) },
  deleteWebhook: { expect: byRole(204, 204, 403, 403), prepare: async () => ({ params: { id: await seedWebhook() } }) },
  listDeliveries: { expect: byRole(200, 200, 403, 403), prepare: async () => ({ params: { id: await seedWebhook() } }) },
  listRegistryCredentials: { expect: byRole(200, 200, 403, 403) },
  addRegistryCredential: { expect: byRole(201, 201, 403, 403), prepare: async () => ({ body: registryLogin() }) },
  removeRegistryCredential: { expect: byRole(204, 204, 403, 403), prepare: async () => ({ params: { id: await seedRegistryCredential() } }) },
  // Instance admins only; the actors here are not, so nothing is started.
  startRegistryGc: { expect: { owner: 403, admin: 403, developer: 403, viewer: 403, outsider: 403, anonymous: 401 } },
  listHosts: { expect: all(200) },
  // Instance admins only (none of the actors is one).
  getHost: {
    expect: { owner: 403, admin: 403, developer: 403, viewer: 403, outsider: 403, anonymous: 401 },
    prepare: async () => ({ params: { id: "nope" } }),
  },
  drainHost: {
    expect: { owner: 403, admin: 403, developer: 403, viewer: 403, outsider: 403, anonymous: 401 },
    prepare: async () => ({ params: { id: "nope" }, body: { draining: false } }),
  },
  listApps: { expect: byRole(200, 200, 200, 200) },
  createApp: { expect: byRole(201, 201, 201, 403), prepare: async () => ({ body: { name: `m-${rand()}` } }) },
  getApp: { expect: byRole(200, 200, 200, 200), prepare: async () => ({ params: { app } }) },
  updateApp: { expect: byRole(200, 200, 200, 403), prepare: async () => ({ params: { app }, body: { config: { replicas: 2 } } }) },
  deleteApp: { expect: byRole(204, 204, 403, 403), prepare: async () => ({ params: { app: await seedApp() } }) },
  setEnv: { expect: byRole(200, 200, 200, 403), prepare: async () => ({ params: { app }, body: { set: { MATRIX: { value: "1" } } } }) },
  addDomain: { expect: byRole(201, 201, 201, 403), prepare: async () => ({ params: { app }, body: { hostname: `m-${rand()}.example.test` } }) },
  removeDomain: {
    expect: byRole(204, 204, 204, 403),
    prepare: async () => {
      const hostname = `m-${rand()}.example.test`;
      await call("addDomain", { cookie: users.owner.cookie, params: { team, app }, body: { hostname } });
      return { params: { app, hostname } };
    },
  },
  // Images the worker will fail to pull: what matters here is who may queue them.
  createDeployment: {
    expect: byRole(201, 201, 201, 403),
    prepare: async () => ({ params: { app }, body: { image: `${stack.registryHost}/${team}/nothing:1` } }),
  },
  uploadBuild: {
    expect: byRole(201, 201, 201, 403),
    prepare: async () => ({ params: { app }, rawBody: "not really a tar", headers: { "content-type": "application/x-tar" } }),
  },
  // A repository that does not resolve (the API lets such a name through; the worker checks when it
  // fetches): what matters here is who may queue the build.
  deployRepository: {
    expect: byRole(201, 201, 201, 403),
    prepare: async () => {
      const name = await seedApp();
      await call("updateApp", { cookie: users.owner.cookie, params: { team, app: name }, body: { repository: { url: "http://git.invalid/x.git" } } });
      return { params: { app: name }, body: {} };
    },
  },
  rotateWebhookSecret: { expect: byRole(200, 200, 200, 403), prepare: async () => ({ params: { app } }) },
  // Public: no session needed; the signature is the authentication, and a bad one is refused for everyone.
  repoWebhook: {
    expect: { owner: 401, admin: 401, developer: 401, viewer: 401, outsider: 401, anonymous: 401 },
    prepare: async () => ({
      params: { appId: appIds.get(app) ?? "" },
      rawBody: JSON.stringify({ ref: "refs/heads/main", after: "a".repeat(40) }),
      headers: { "content-type": "application/json", "x-github-event": "push", "x-hub-signature-256": `sha256=${"0".repeat(64)}` },
    }),
  },
  listDeployments: { expect: byRole(200, 200, 200, 200), prepare: async () => ({ params: { app } }) },
  getDeployment: { expect: byRole(200, 200, 200, 200), prepare: async () => ({ params: { app, id: await seedDeployment("failed") } }) },
  getDeploymentLog: { expect: byRole(200, 200, 200, 200), prepare: async () => ({ params: { app, id: await seedDeployment("failed") } }) },
  // A finished deployment with no log: the stream is its one outcome record, then it closes.
  followDeployment: { expect: byRole(200, 200, 200, 200), prepare: async () => ({ params: { app, id: await seedDeployment("failed") } }) },
  listAppLogs: { expect: byRole(200, 200, 200, 200), prepare: async () => ({ params: { app } }) },
  downloadAppLogs: { expect: byRole(200, 200, 200, 200), prepare: async () => ({ params: { app } }) },
  getAppMetrics: { expect: byRole(200, 200, 200, 200), prepare: async () => ({ params: { app } }) },
  cancelDeployment: { expect: byRole(200, 200, 200, 403), prepare: async () => ({ params: { app, id: await seedDeployment("queued") } }) },
  listReleases: { expect: byRole(200, 200, 200, 200), prepare: async () => ({ params: { app } }) },
  rollback: { expect: byRole(201, 201, 201, 403), prepare: async () => ({ params: { app, version: await seedRelease() } }) },
  listContainers: { expect: byRole(200, 200, 200, 200) },
  // No such container: allowed callers get as far as the lookup.
  containerAction: { expect: byRole(404, 404, 404, 403), prepare: async () => ({ params: { id: randomUUID() }, body: { action: "stop" } }) },
  commitContainer: { expect: byRole(404, 404, 404, 403), prepare: async () => ({ params: { id: randomUUID() }, body: { repository: "snap", tag: "v1" } }) },
  // Never deployed: allowed callers learn there is no live release to run in.
  runCommand: { expect: byRole(409, 409, 409, 403), prepare: async () => ({ params: { app }, body: { cmd: ["true"] } }) },
  openapi: { expect: { owner: 200, admin: 200, developer: 200, viewer: 200, outsider: 200, anonymous: 200 } },
  // Last: signing out everywhere ends every session of the actor, the ones above included.
  revokeSessions: {
    expect: all(200),
    prepare: async (a) => (a === "anonymous" ? {} : { cookie: await signInAs(users[a].email, users[a].password) }),
  },
};

before(async () => {
  const [owner, admin, developer, viewer, outsider] = await Promise.all([signUp(), signUp(), signUp(), signUp(), signUp()]);
  users = { owner, admin, developer, viewer, outsider } as typeof users;
  team = await freshTeam();
  await teamWith(outsider); // the outsider belongs to a team of its own
  app = await seedApp();
  adminCookie = await signIn(stack.adminEmail, stack.adminPassword);
  loginReg = await loginRegistry();
});

after(async () => {
  await loginReg?.stop();
});

describe("authorization matrix", () => {
  it("has an expectation for every route in ROUTES", () => {
    assert.deepEqual(Object.keys(MATRIX).sort(), Object.keys(ROUTES).sort());
  });

  it("has a ROUTES entry for every route file and exported method under app/api/v1", () => {
    const apiDir = join(import.meta.dirname, "../src/app/api/v1");
    const walk = (d: string): string[] =>
      readdirSync(d).flatMap((f) => (statSync(join(d, f)).isDirectory() ? walk(join(d, f)) : f === "route.ts" ? [join(d, f)] : []));
    const declared = new Set(Object.values(ROUTES).map((r) => `${r.method} ${r.path}`));
    for (const file of walk(apiDir)) {
      const path = `/api/v1/${relative(apiDir, file).replace(/\/?route\.ts$/, "")}`.replace(/\[(\w+)\]/g, "{$1}").replace(/\/$/, "");
      const methods = [...readFileSync(file, "utf8").matchAll(/export const (GET|POST|PATCH|PUT|DELETE)\b/g)].map((m) => m[1]);
      assert.ok(methods.length > 0, `${file} exports no method`);
      for (const m of methods) assert.ok(declared.has(`${m} ${path}`), `${m} ${path} (${file}) is not declared in ROUTES`);
    }
  });

  for (const name of Object.keys(MATRIX) as RouteName[]) {
    it(`${ROUTES[name].method} ${ROUTES[name].path}`, async () => {
      const c = MATRIX[name];
      for (const actor of ACTORS) {
        const prepared = c.prepare ? await c.prepare(actor) : {};
        const auth = actor === "anonymous" ? {} : { cookie: users[actor].cookie };
        const res = await call(name, { params: { team }, ...auth, ...prepared, ...(prepared.params ? { params: { team, ...prepared.params } } : {}) });
        assert.equal(res.status, c.expect[actor], `${actor}: HTTP ${res.status} ${JSON.stringify(res.body)}`);
        if (res.status >= 400) {
          assert.equal(typeof res.body?.error?.code, "string", `${actor}: error body has a code`);
          assert.equal(typeof res.body?.error?.message, "string", `${actor}: error body has a message`);
        }
      }
    });
  }

  it("lets an instance admin read the instance audit log and settings", async () => {
    assert.equal((await call("adminAudit", { cookie: adminCookie })).status, 200);
    assert.equal((await call("getSettings", { cookie: adminCookie })).status, 200);
  });
});

describe("socket authorization", () => {
  const connect = (cookie?: string) =>
    io(stack.webUrl, { path: "/socket.io", transports: ["websocket"], reconnection: false, extraHeaders: cookie ? { cookie } : {}, timeout: 5_000 });

  it("refuses a connection without a session", async () => {
    const s = connect();
    const err = await new Promise<Error>((resolve) => s.on("connect_error", resolve));
    s.close();
    assert.equal(err.message, "UNAUTHENTICATED");
  });

  it("lets a member watch hosts but refuses unknown rooms to everyone", async () => {
    for (const actor of ["owner", "viewer", "outsider"] as const) {
      // A new session: the matrix's last route signed every actor out everywhere.
      const s = connect(await signInAs(users[actor].email, users[actor].password));
      await new Promise<void>((resolve, reject) => {
        s.on("connect", () => resolve());
        s.on("connect_error", reject);
      });
      const hosts = await s.timeout(5_000).emitWithAck("subscribe", "hosts");
      assert.deepEqual(hosts, { ok: true }, actor);
      const other = await s.timeout(5_000).emitWithAck("subscribe", `team:${team}`);
      assert.equal(other.ok, false, actor);
      s.close();
    }
  });

  it("lets members of an app's team watch the app's room, and no one else", async () => {
    for (const actor of ["owner", "viewer", "outsider"] as const) {
      const s = connect(await signInAs(users[actor].email, users[actor].password));
      await new Promise<void>((resolve, reject) => {
        s.on("connect", () => resolve());
        s.on("connect_error", reject);
      });
      const res = await s.timeout(5_000).emitWithAck("subscribe", `app:${appIds.get(app)}`);
      assert.equal(res.ok, actor !== "outsider", `${actor}: ${JSON.stringify(res)}`);
      const unknown = await s.timeout(5_000).emitWithAck("subscribe", `app:${randomUUID()}`);
      assert.equal(unknown.ok, false, actor);
      s.close();
    }
  });
});
