// Webhooks in the browser: a team owner adds one pointing at a real HTTP receiver on 127.0.0.1
// (which the instance admin allows through the outbound policy, that one address and port only),
// copies the signing secret shown once, pushes with skopeo, and reads the delivery in the
// dashboard; the receiver checks the signature. A developer of the team never sees the section.
// Accounts, the team and the push are seeded outside the browser; the webhook is clicked.
import { execFile } from "node:child_process";
import { createHmac } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import { promisify } from "node:util";
import { expect, guardNetworkChanges, test } from "./fixtures.ts";
import { call, rand, registry, signIn, signUp, type User } from "./support.ts";

const run = promisify(execFile);

type Received = { headers: IncomingHttpHeaders; body: string };

/** A receiver that records every request's headers and raw body and answers 200. */
async function startReceiver(): Promise<{ server: Server; url: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
      res.writeHead(200, { "content-type": "text/plain" }).end("ok");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return { server, url: `http://127.0.0.1:${port}/hooks/berth`, received };
}

/** Pushes the base image as `<team>/<repo>:<tag>` with skopeo (no daemon, no login state left behind). */
async function push(user: User, image: string) {
  await run(
    "skopeo",
    [
      "copy",
      "--src-tls-verify=false",
      "--dest-tls-verify=false",
      "--dest-creds",
      `${user.username}:${user.password}`,
      `docker://${registry}/berth/busybox:latest`,
      `docker://${registry}/${image}`,
    ],
    { timeout: 120_000 },
  );
}

test("an owner adds a webhook, sees its secret once, and a push is delivered signed", async ({ page, baseURL, browser }, testInfo) => {
  const origin = new URL(baseURL ?? "http://localhost:8080").origin;
  const receiver = await startReceiver();
  // The instance admin allows the receiver (Berth refuses loopback by default), and takes it back after.
  const admin = guardNetworkChanges(await browser.newContext({ baseURL: origin }));
  const adminIn = await admin.request.post("/api/auth/sign-in/email", {
    headers: { origin },
    data: { email: process.env.BERTH_ADMIN_EMAIL ?? "admin@berth.localhost", password: process.env.BERTH_ADMIN_PASSWORD ?? "" },
  });
  expect(adminIn.status(), await adminIn.text()).toBe(200);
  const allowed = `127.0.0.1:${new URL(receiver.url).port}`;
  const settings = await call(admin.request, "getSettings");
  await call(admin.request, "updateSettings", { body: { outboundAllow: [...settings.outboundAllow, allowed] } });
  try {
    const owner = await signUp(page.request, "hook-owner");
    await signIn(page, owner, origin);
    const team = `hooks-${rand()}`;
    const created = await page.request.post("/api/v1/teams", { data: { slug: team, name: `Hooks ${team}` } });
    expect(created.status(), await created.text()).toBe(201);

    await page.goto(`/teams/${team}`);
    await expect(page.getByTestId("my-role")).toHaveText("owner");
    const section = page.getByTestId("webhooks");
    await expect(section.getByRole("heading", { name: "Webhooks" })).toBeVisible();
    await expect(section.getByTestId("webhooks-empty")).toBeVisible();

    // The owner adds the webhook; the secret is shown once, with how to check signatures.
    await section.getByLabel("Payload URL").fill(receiver.url);
    await section.getByRole("button", { name: "Add webhook" }).click();
    const shown = section.getByTestId("webhook-secret");
    await expect(shown).toContainText("X-Berth-Signature-256: sha256=<HMAC-SHA256 of the raw body>");
    const secret = await shown.getByRole("textbox", { name: "Signing secret" }).inputValue();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9_-]{20,}$/);
    await section.screenshot({ path: testInfo.outputPath("webhook-secret.png") });
    const row = section.locator(`[data-testid="webhook-row"][data-url="${receiver.url}"]`);
    await expect(row.getByTestId("webhook-url")).toHaveText(receiver.url);
    await expect(row).toContainText("image.pushed");
    await shown.getByRole("button", { name: "Done" }).click();
    await expect(shown).toHaveCount(0);
    await page.reload();
    await expect(row).toBeVisible();
    await expect(page.getByTestId("webhook-secret")).toHaveCount(0);
    expect(await page.content()).not.toContain(secret);

    // Before any push there is nothing to show.
    await row.getByRole("button", { name: `Recent deliveries to ${receiver.url}` }).click();
    await expect(row.getByTestId("deliveries-empty")).toBeVisible();

    const repo = `hooked-${rand()}`;
    await push(owner, `${team}/${repo}:v1`);

    // The delivery is recorded as delivered with the receiver's 200.
    const delivered = row.locator('[data-testid="delivery-row"][data-status="delivered"]').first();
    await expect(async () => {
      await row.getByRole("button", { name: "Refresh" }).click();
      await expect(delivered).toBeVisible({ timeout: 1000 });
    }).toPass({ timeout: 30_000 });
    await expect(delivered.getByTestId("delivery-status")).toHaveText("delivered");
    await expect(delivered.getByTestId("delivery-code")).toHaveText("200");

    // What arrived is the push, signed with the secret the page showed.
    const got = receiver.received.find((r) => r.body.includes(`${team}/${repo}`));
    if (!got) throw new Error("the receiver never got the push event");
    expect(got.headers["x-berth-event"]).toBe("image.pushed");
    expect(got.headers["x-berth-signature-256"]).toBe(`sha256=${createHmac("sha256", secret).update(got.body).digest("hex")}`);
    expect(JSON.parse(got.body)).toMatchObject({ event: "image.pushed", repository: `${team}/${repo}`, tag: "v1", pushedBy: owner.username });

    await section.screenshot({ path: testInfo.outputPath("webhooks.png") });

    // A developer of the same team sees the team, but not its webhooks.
    const invitation = await page.request.post(`/api/v1/teams/${team}/invitations`, { data: { role: "developer" } });
    expect(invitation.status(), await invitation.text()).toBe(201);
    const token = ((await invitation.json()) as { token: string }).token;
    const devContext = guardNetworkChanges(await browser.newContext({ baseURL: origin }));
    try {
      const devPage = await devContext.newPage();
      await signIn(devPage, await signUp(devPage.request, "hook-dev"), origin);
      const accepted = await devPage.request.post("/api/v1/invitations/accept", { data: { token } });
      expect(accepted.status(), await accepted.text()).toBe(200);
      await devPage.goto(`/teams/${team}`);
      await expect(devPage.getByTestId("my-role")).toHaveText("developer");
      await expect(devPage.getByTestId("member-row")).toHaveCount(2);
      await expect(devPage.getByRole("heading", { name: "Webhooks" })).toHaveCount(0);
      await expect(devPage.getByTestId("webhooks")).toHaveCount(0);
      await expect(devPage.getByText(receiver.url)).toHaveCount(0);
    } finally {
      await devContext.close();
    }

    // The owner deletes the webhook after confirming.
    await row.getByRole("button", { name: `Delete webhook ${receiver.url}` }).click();
    await row.getByRole("button", { name: "Yes, delete" }).click();
    await expect(row).toHaveCount(0);
    await expect(section.getByTestId("webhooks-empty")).toBeVisible();
  } finally {
    const now = await call(admin.request, "getSettings");
    await call(admin.request, "updateSettings", { body: { outboundAllow: now.outboundAllow.filter((e) => e !== allowed) } });
    await admin.close();
    await new Promise<void>((resolve) => receiver.server.close(() => resolve()));
  }
});
