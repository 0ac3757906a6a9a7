// Registry credentials in the team's page: an owner adds one for a registry that asks for a login
// (a Basic-auth stand-in on 127.0.0.1, which the instance admin allows through the outbound policy,
// that address and port only); a wrong password is refused by the login Berth tries first and
// nothing is stored; the right one is listed with who added it, never with its password; removing
// it asks first. Accounts and the team are seeded through the API; the credential is clicked.
import { createServer, type Server } from "node:http";
import { expect, guardNetworkChanges, test } from "./fixtures.ts";
import { call, rand, signIn, signUp } from "./support.ts";

const PASSWORD = `pw-${rand()}-right`;

async function startRegistry(): Promise<{ server: Server; host: string }> {
  const right = `Basic ${Buffer.from(`robot:${PASSWORD}`).toString("base64")}`;
  const server = createServer((req, res) => {
    if (req.url === "/v2/" && req.headers.authorization === right) return res.writeHead(200, { "content-type": "application/json" }).end("{}");
    res.writeHead(401, { "www-authenticate": 'Basic realm="stand-in"' }).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, host: `127.0.0.1:${(server.address() as { port: number }).port}` };
}

test("an owner adds a registry credential after a login check, sees it listed without its password, and removes it", async ({
  page,
  baseURL,
  browser,
}, testInfo) => {
  const origin = new URL(baseURL ?? "http://localhost:8080").origin;
  const registry = await startRegistry();
  const admin = guardNetworkChanges(await browser.newContext({ baseURL: origin }));
  const adminIn = await admin.request.post("/api/auth/sign-in/email", {
    headers: { origin },
    data: { email: process.env.BERTH_ADMIN_EMAIL ?? "admin@berth.localhost", password: process.env.BERTH_ADMIN_PASSWORD ?? "" },
  });
  expect(adminIn.status(), await adminIn.text()).toBe(200);
  const settings = await call(admin.request, "getSettings");
  await call(admin.request, "updateSettings", { body: { outboundAllow: [...settings.outboundAllow, registry.host] } });
  try {
    const owner = await signUp(page.request, "reg-owner");
    await signIn(page, owner, origin);
    const team = `regs-${rand()}`;
    const created = await page.request.post("/api/v1/teams", { data: { slug: team, name: `Registries ${team}` } });
    expect(created.status(), await created.text()).toBe(201);

    await page.goto(`/teams/${team}`);
    const section = page.getByTestId("registries");
    await expect(section.getByRole("heading", { name: "Registry credentials" })).toBeVisible();
    await expect(section.getByTestId("registries-empty")).toBeVisible();

    // A wrong password: the login fails, the page says so, nothing is listed.
    await section.getByLabel("Registry", { exact: true }).fill(registry.host);
    await section.getByLabel("Username").fill("robot");
    await section.getByLabel("Password or token").fill("wrong-password");
    await section.getByRole("button", { name: "Add credential" }).click();
    await expect(section.getByTestId("registry-error")).toHaveText(`Login to ${registry.host} failed: check the username and password`);
    await expect(section.getByTestId("registries-empty")).toBeVisible();
    await expect(section.getByLabel("Password or token")).toHaveValue("");

    // The right one is stored and listed: host, username, who added it; never the password.
    await section.getByLabel("Password or token").fill(PASSWORD);
    await section.getByRole("button", { name: "Add credential" }).click();
    await expect(section.getByTestId("registry-added")).toContainText(`Logged in to ${registry.host} as robot`);
    const row = section.locator(`[data-testid="registry-row"][data-host="${registry.host}"]`);
    await expect(row).toContainText("robot");
    await expect(row).toContainText(owner.username);
    await expect(section.getByLabel("Password or token")).toHaveValue("");
    await page.reload();
    await expect(row).toBeVisible();
    expect(await page.content()).not.toContain(PASSWORD);
    await section.screenshot({ path: testInfo.outputPath("registries.png") });

    // Removing asks first.
    await row.getByRole("button", { name: `Remove the credential for ${registry.host}` }).click();
    await row.getByRole("button", { name: "Yes, remove" }).click();
    await expect(row).toHaveCount(0);
    await expect(section.getByTestId("registries-empty")).toBeVisible();
  } finally {
    const now = await call(admin.request, "getSettings");
    await call(admin.request, "updateSettings", { body: { outboundAllow: now.outboundAllow.filter((e) => e !== registry.host) } });
    await admin.close();
    await new Promise<void>((resolve) => registry.server.close(() => resolve()));
  }
});
