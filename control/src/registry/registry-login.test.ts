// A login to another registry (outside-session.ts `login`, what check-registry-login.ts runs before a
// team's credential is stored) against stand-ins on loopback, allowed exactly as an instance admin
// would: a Bearer-token registry and a Basic one, right and wrong credentials; the password never
// appears in the error.
import assert from "node:assert/strict";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { after, before, describe, it } from "node:test";
import { isAppError } from "@berth/core";
import { type AllowEntry, parseAllowEntry } from "@berth/core/outbound-allow";
import type { OutboundPolicy } from "../outbound/outbound-policy.ts";
import { outsideSession } from "./outside-session.ts";

const RIGHT = `Basic ${Buffer.from("alice:s3cret-right").toString("base64")}`;
const tokenRequests: string[] = [];
let bearerPort = 0;

function bearerRegistry(req: IncomingMessage, res: ServerResponse) {
  const url = new URL(req.url ?? "/", "http://x");
  if (url.pathname === "/token") {
    tokenRequests.push(url.search);
    if (req.headers.authorization !== RIGHT) return res.writeHead(401).end();
    return res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ access_token: "alice-token" }));
  }
  if (url.pathname === "/v2/" && req.headers.authorization === "Bearer alice-token") return res.writeHead(200).end("{}");
  res.writeHead(401, { "www-authenticate": `Bearer realm="http://127.0.0.1:${bearerPort}/token",service="stand-in"` }).end();
}

function basicRegistry(req: IncomingMessage, res: ServerResponse) {
  if (req.url === "/v2/" && req.headers.authorization === RIGHT) return res.writeHead(200).end("{}");
  res.writeHead(401, { "www-authenticate": `Basic realm="stand-in"` }).end();
}

const servers: Server[] = [];
const listen = (s: Server) => new Promise<number>((r) => s.listen(0, "127.0.0.1", () => r((s.address() as { port: number }).port)));
let basicPort = 0;
let policy: OutboundPolicy;

before(async () => {
  const bearer = createServer(bearerRegistry);
  const basic = createServer(basicRegistry);
  servers.push(bearer, basic);
  bearerPort = await listen(bearer);
  basicPort = await listen(basic);
  policy = { allow: [`127.0.0.1:${bearerPort}`, `127.0.0.1:${basicPort}`].map(parseAllowEntry) as AllowEntry[], ownAddresses: new Set() };
});
after(() => {
  for (const s of servers) s.close();
});

async function loginError(registry: string, password: string): Promise<Error | undefined> {
  try {
    await outsideSession(policy, registry, { username: "alice", password }).login();
    return undefined;
  } catch (err) {
    return err as Error;
  }
}

describe("a login to another registry", () => {
  for (const kind of ["Bearer", "Basic"] as const) {
    const registry = () => `127.0.0.1:${kind === "Bearer" ? bearerPort : basicPort}`;
    it(`succeeds with the right credential (${kind} challenge)`, async () => {
      assert.equal(await loginError(registry(), "s3cret-right"), undefined);
    });
    it(`refuses a wrong credential with a 400 naming the registry, never the password (${kind} challenge)`, async () => {
      const err = await loginError(registry(), "s3cret-wrong");
      assert.ok(err && isAppError(err) && err.code === "BAD_REQUEST", String(err));
      assert.equal(err.message, `login to ${registry()} failed: check the username and password`);
      assert.doesNotMatch(JSON.stringify({ ...err, message: err.message }), /s3cret/);
    });
  }

  it("asks the token service for no repository scope, naming the account, as docker login does", async () => {
    tokenRequests.length = 0;
    await outsideSession(policy, `127.0.0.1:${bearerPort}`, { username: "alice", password: "s3cret-right" }).login();
    const query = new URLSearchParams(tokenRequests[0] ?? "");
    assert.equal(query.get("service"), "stand-in");
    assert.equal(query.get("account"), "alice");
    assert.equal(query.get("scope"), null);
  });
});
