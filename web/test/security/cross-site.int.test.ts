// Cross-site requests (issue 14, item 7), on the real stack: a page on another site cannot open a
// socket with the user's cookie, nor make a change with a form post; a name rebound to 127.0.0.1
// (DNS rebinding) reaches neither web nor the registry; every page carries the security headers.
import assert from "node:assert/strict";
import { request } from "node:http";
import { after, before, describe, test } from "node:test";
import { call, rand, signUp, type TestUser } from "../api.ts";
import { stack } from "../config.ts";

const EVIL = "http://evil.example";
let user: TestUser;
let tokenSecret: string;
let tokenId: string;

/** A raw HTTP request (node:http lets the test set Host and Origin as a browser or a rebound name would). */
function raw(
  url: string,
  opts: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string; upgraded: boolean }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: opts.method ?? "GET", headers: opts.headers, timeout: 10_000 }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => {
        body += c;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body, upgraded: false }));
    });
    req.on("upgrade", (res, socket) => {
      socket.destroy();
      resolve({ status: res.statusCode ?? 0, headers: res.headers, body: "", upgraded: true });
    });
    req.on("timeout", () => req.destroy(new Error(`no answer from ${url}`)));
    req.on("error", reject);
    req.end(opts.body);
  });
}

/** A WebSocket handshake for socket.io, as a browser sends it. */
const handshake = (headers: Record<string, string>) =>
  raw(`${stack.webUrl}/socket.io/?EIO=4&transport=websocket`, {
    headers: { connection: "Upgrade", upgrade: "websocket", "sec-websocket-version": "13", "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==", ...headers },
  });

before(async () => {
  user = await signUp();
  const t = await call("createToken", { cookie: user.cookie, body: { name: `xs-${rand()}`, scopes: ["admin"] } });
  assert.equal(t.status, 201, JSON.stringify(t.body));
  tokenSecret = t.body.secret;
  tokenId = t.body.token.id;
});

after(async () => {
  for (const slug of created) await call("deleteTeam", { token: tokenSecret, params: { team: slug } });
});
const created: string[] = [];

describe("socket.io handshakes", () => {
  test("refuses a WebSocket with the session cookie from another site, accepts it from Berth's own pages and from no browser", async () => {
    const evil = await handshake({ cookie: user.cookie, origin: EVIL });
    assert.equal(evil.upgraded, false, "no WebSocket for evil.example");
    assert.ok(evil.status >= 400, `refused (HTTP ${evil.status})`);
    const opaque = await handshake({ cookie: user.cookie, origin: "null" });
    assert.equal(opaque.upgraded, false, "no WebSocket for an opaque origin");
    const ours = await handshake({ cookie: user.cookie, origin: stack.webUrl });
    assert.equal(ours.upgraded, true, `Berth's own page gets its WebSocket (HTTP ${ours.status} ${ours.body})`);
    const viaCaddy = await handshake({ cookie: user.cookie, origin: stack.proxyUrl });
    assert.equal(viaCaddy.upgraded, true, "the dashboard's address through Caddy too");
    const cli = await handshake({});
    assert.equal(cli.upgraded, true, "a client without an Origin (the CLI) is no browser");
  });

  test("refuses the long-polling transport from another site too", async () => {
    const poll = (origin: string) => raw(`${stack.webUrl}/socket.io/?EIO=4&transport=polling`, { headers: { cookie: user.cookie, origin } });
    assert.equal((await poll(EVIL)).status, 403);
    assert.equal((await poll(stack.webUrl)).status, 200);
  });
});

describe("cookie-authenticated changes", () => {
  const teamPath = "/api/v1/teams";

  test("refuses a cross-site form post (urlencoded or text/plain) to a mutating route, and nothing is created", async () => {
    for (const [contentType, body] of [
      ["application/x-www-form-urlencoded", `slug=xs-${rand()}&name=evil`],
      ["text/plain", JSON.stringify({ slug: `xs-${rand()}`, name: "evil" })],
    ] as const) {
      const slug = contentType === "text/plain" ? JSON.parse(body).slug : new URLSearchParams(body).get("slug");
      const res = await raw(stack.webUrl + teamPath, { method: "POST", headers: { cookie: user.cookie, origin: EVIL, "content-type": contentType }, body });
      assert.equal(res.status, 403, res.body);
      assert.match(JSON.parse(res.body).error.message, /cross-site request refused/);
      assert.equal((await call("getTeam", { token: tokenSecret, params: { team: slug } })).status, 404, "no team was created");
    }
    // Without an Origin but marked cross-site by the browser (Sec-Fetch-Site): refused as well.
    const marked = await raw(stack.webUrl + teamPath, {
      method: "POST",
      headers: { cookie: user.cookie, "sec-fetch-site": "cross-site", "content-type": "text/plain" },
      body: JSON.stringify({ slug: `xs-${rand()}`, name: "evil" }),
    });
    assert.equal(marked.status, 403, marked.body);
  });

  test("refuses a cross-site change without a body (revoking a token), and the token still works", async () => {
    const res = await raw(`${stack.webUrl}/api/v1/tokens/${tokenId}`, { method: "DELETE", headers: { cookie: user.cookie, origin: EVIL } });
    assert.equal(res.status, 403, res.body);
    const referer = await raw(`${stack.webUrl}/api/v1/tokens/${tokenId}`, { method: "DELETE", headers: { cookie: user.cookie, referer: `${EVIL}/page` } });
    assert.equal(referer.status, 403, referer.body);
    assert.equal((await call("me", { token: tokenSecret })).status, 200, "the token is still valid");
  });

  test("accepts the same change from Berth's own pages (the check can pass), and from an access token from anywhere", async () => {
    const slug = `xs-${rand()}`;
    const ours = await raw(stack.webUrl + teamPath, {
      method: "POST",
      headers: { cookie: user.cookie, origin: stack.proxyUrl, "content-type": "application/json" },
      body: JSON.stringify({ slug, name: "ours" }),
    });
    assert.equal(ours.status, 201, ours.body);
    created.push(slug);
    const bySlug = `xs-${rand()}`;
    const byToken = await raw(stack.webUrl + teamPath, {
      method: "POST",
      headers: { authorization: `Bearer ${tokenSecret}`, origin: EVIL, "content-type": "application/json" },
      body: JSON.stringify({ slug: bySlug, name: "token" }),
    });
    assert.equal(byToken.status, 201, byToken.body);
    created.push(bySlug);
  });

  test("better-auth's own routes refuse a cross-site sign-out, and the session lives on", async () => {
    const signOut = (headers: Record<string, string>) =>
      raw(`${stack.webUrl}/api/auth/sign-out`, { method: "POST", headers: { cookie: user.cookie, ...headers }, body: "{}" });
    // A form cannot send JSON: better-auth refuses other content types; a script's JSON from elsewhere has the wrong Origin.
    assert.equal((await signOut({ origin: EVIL, "content-type": "text/plain" })).status, 415);
    const res = await signOut({ origin: EVIL, "content-type": "application/json" });
    assert.equal(res.status, 403, res.body);
    assert.equal((await call("me", { cookie: user.cookie })).status, 200, "still signed in");
  });
});

describe("DNS rebinding", () => {
  test("web refuses a Host it does not serve, on its own port", async () => {
    const res = await raw(`${stack.webUrl}/api/v1/me`, { headers: { host: "evil.example", cookie: user.cookie } });
    assert.equal(res.status, 421, res.body);
    assert.match(res.body, /does not answer for the host "evil.example"/);
    const withPort = await raw(`${stack.webUrl}/sign-in`, { headers: { host: `evil.example:${new URL(stack.webUrl).port}` } });
    assert.equal(withPort.status, 421);
    // The socket.io path is answered by socket.io itself, before the page handler: checked there too.
    const sock = await raw(`${stack.webUrl}/socket.io/?EIO=4&transport=polling`, { headers: { host: "evil.example" } });
    assert.equal(sock.status, 403);
    assert.equal((await raw(`${stack.webUrl}/api/v1/me`, { headers: { cookie: user.cookie } })).status, 200, "the right host works");
  });

  test("through Caddy, a Host that is not the dashboard's never reaches web", async () => {
    const res = await raw(`http://127.0.0.1:${stack.proxyPort}/api/v1/me`, { headers: { host: "evil.example", cookie: user.cookie } });
    assert.notEqual(res.status, 200);
    assert.doesNotMatch(res.body, new RegExp(user.username));
  });

  test("the registry refuses a Host it does not serve", async () => {
    const ours = await raw(`http://${stack.registryHost}/v2/`);
    assert.equal(ours.status, 401, "the registry answers its own name (asking for a token)");
    const res = await raw(`http://${stack.registryHost}/v2/`, { headers: { host: `evil.example:${stack.registryHost.split(":")[1]}` } });
    assert.notEqual(res.status, 401, res.body);
    assert.ok(res.status >= 400, `refused (HTTP ${res.status})`);
    assert.equal(res.headers["www-authenticate"], undefined, "not the registry answering");
  });
});

describe("security headers", () => {
  test("pages and API answers carry CSP, frame-ancestors, nosniff and the referrer policy", async () => {
    for (const path of ["/sign-in", "/api/v1/me", "/api/health"]) {
      for (const base of [stack.webUrl, `http://127.0.0.1:${stack.proxyPort}`]) {
        const res = await raw(base + path, { headers: { host: new URL(base === stack.webUrl ? stack.webUrl : stack.proxyUrl).host } });
        const csp = String(res.headers["content-security-policy"] ?? "");
        assert.match(csp, /frame-ancestors 'none'/, `${base}${path}: ${csp}`);
        assert.match(csp, /default-src 'self'/);
        assert.match(csp, /connect-src 'self'/);
        assert.doesNotMatch(csp, /script-src[^;]*\*/);
        assert.equal(res.headers["x-frame-options"], "DENY");
        assert.equal(res.headers["x-content-type-options"], "nosniff");
        assert.equal(res.headers["referrer-policy"], "strict-origin-when-cross-origin");
      }
    }
  });
});
