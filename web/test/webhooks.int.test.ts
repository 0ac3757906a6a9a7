// Outbound webhooks on push: a real HTTP receiver on 127.0.0.1 (allowed through the outbound policy
// by that one address and port, as an instance admin would), a real push through the registry,
// HMAC signatures checked, retries recorded in the delivery history.
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { createServer, type Server } from "node:http";
import { after, before, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { call, rand, signUp, type TestUser, teamWith } from "./api.ts";
import { signIn, stack } from "./config.ts";
import { allowOutbound } from "./outbound.ts";
import { pushImage } from "./registry.ts";

type Received = { headers: Record<string, string | string[] | undefined>; body: string };
let owner: TestUser;
let team: string;
let server: Server;
let port = 0;
const received: Received[] = [];
let failuresLeft = 0;
let allowance: { restore: () => Promise<void> } | undefined;

before(async () => {
  owner = await signUp();
  team = await teamWith(owner);
  server = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => {
      body += c;
    });
    req.on("end", () => {
      received.push({ headers: req.headers, body });
      if (failuresLeft > 0) {
        failuresLeft--;
        res.writeHead(500).end("not yet");
      } else res.writeHead(200).end("ok");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as { port: number }).port;
  allowance = await allowOutbound(await signIn(stack.adminEmail, stack.adminPassword), [`127.0.0.1:${port}`]);
});

after(async () => {
  await allowance?.restore();
  server.close();
});

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const v = await probe();
    if (v !== undefined) return v;
    await sleep(100);
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe("webhooks", () => {
  it("POSTs a signed JSON event for a push and records the delivery", async () => {
    const created = await call("createWebhook", { cookie: owner.cookie, params: { team }, body: { url: `http://127.0.0.1:${port}/hook` } });
    assert.equal(created.status, 201);
    const { webhook, secret } = created.body;
    assert.match(secret, /^whsec_/);
    const listed = await call("listWebhooks", { cookie: owner.cookie, params: { team } });
    assert.ok(!JSON.stringify(listed.body).includes(secret), "the secret is never listed");

    const repo = `hooked-${rand()}`;
    await pushImage({ user: owner, image: `${team}/${repo}:v1` });
    const got = await waitFor("the webhook request", async () => received.find((r) => r.body.includes(repo)));
    assert.equal(got.headers["x-berth-event"], "image.pushed");
    const expected = `sha256=${createHmac("sha256", secret).update(got.body).digest("hex")}`;
    assert.equal(got.headers["x-berth-signature-256"], expected, "HMAC over the raw body with the secret");
    const event = JSON.parse(got.body);
    assert.equal(event.event, "image.pushed");
    assert.equal(event.repository, `${team}/${repo}`);
    assert.equal(event.tag, "v1");
    assert.match(event.digest, /^sha256:/);
    assert.equal(event.pushedBy, owner.username);

    const deliveries = await waitFor("a delivered record", async () => {
      const d = await call("listDeliveries", { cookie: owner.cookie, params: { team, id: webhook.id } });
      return d.body.deliveries.find((x: { status: string }) => x.status === "delivered") ? d.body.deliveries : undefined;
    });
    assert.equal(deliveries[0].responseCode, 200);
    assert.equal(deliveries[0].attempts, 1);
    await call("deleteWebhook", { cookie: owner.cookie, params: { team, id: webhook.id } });
  });

  it("retries a failing receiver and records every attempt", async () => {
    const created = await call("createWebhook", { cookie: owner.cookie, params: { team }, body: { url: `http://127.0.0.1:${port}/flaky` } });
    failuresLeft = 2;
    const repo = `flaky-${rand()}`;
    await pushImage({ user: owner, image: `${team}/${repo}:v1` });
    const delivery = await waitFor("a delivery after retries", async () => {
      const d = await call("listDeliveries", { cookie: owner.cookie, params: { team, id: created.body.webhook.id } });
      return d.body.deliveries.find((x: { status: string }) => x.status === "delivered");
    });
    assert.equal(delivery.attempts, 3);
    assert.equal(delivery.responseCode, 200);
    assert.equal(received.filter((r) => r.body.includes(repo)).length, 3);
  });

  it("refuses a URL that is not http(s)", async () => {
    for (const url of ["file:///etc/passwd", "ftp://127.0.0.1/x", "not a url"]) {
      const res = await call("createWebhook", { cookie: owner.cookie, params: { team }, body: { url } });
      assert.equal(res.status, 400, url);
    }
  });
});
