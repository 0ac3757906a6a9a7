// Apps in the browser: a developer deploys an app, reaches it through Berth's proxy at its own
// address, changes its environment (a new release goes live) and rolls back; a deploy whose health
// check never passes ends failed with its reason and log; a viewer gets no controls; an admin
// drains a host and puts it back. Teams, members and apps are seeded through the API; deploying,
// editing and rolling back happen by clicking.
import { hostname } from "node:os";
import type { APIRequestContext, Browser, Page } from "@playwright/test";
import { expect, test } from "./fixtures.ts";
import { call, joinTeam, rand, registry, type Seeded, seedSignedIn } from "./support.ts";

/** Pulling, starting and health-checking a small image on this machine takes seconds; leave room. */
const DEPLOY_TIMEOUT = 90_000;

const baseURL = () => {
  const url = test.info().project.use.baseURL;
  if (!url) throw new Error("baseURL is not configured");
  return url;
};

/** busybox's httpd serving /etc: `GET /passwd` answers with the image's /etc/passwd. */
function httpdApp(name: string, healthCheck: { path: string; attempts?: number } = { path: "/passwd" }) {
  return {
    name,
    image: `${registry}/berth/busybox:latest`,
    config: { port: 8080, cmd: ["busybox", "httpd", "-f", "-p", "8080", "-h", "/etc"], healthCheck: { type: "http" as const, ...healthCheck } },
  };
}

type Role = Parameters<typeof joinTeam>[3];
type Crew = { owner: Seeded; slug: string; member: (label: string, role: Role) => Promise<Seeded>; close: () => Promise<void> };

/** An owner with a fresh team and a way to add members; `close` deletes the team's apps, the team and the browser contexts. */
async function crew(browser: Browser, request: APIRequestContext): Promise<Crew> {
  const owner = await seedSignedIn(browser, request, "owner", baseURL());
  const slug = `t-${rand()}`;
  await call(owner.context.request, "createTeam", { body: { slug, name: `Team ${slug}` } });
  const members: Seeded[] = [];
  return {
    owner,
    slug,
    member: async (label, role) => {
      const m = await seedSignedIn(browser, request, label, baseURL());
      members.push(m);
      await joinTeam(owner.context.request, m.context.request, slug, role);
      return m;
    },
    close: async () => {
      const apps = await call(owner.context.request, "listApps", { params: { team: slug } }).catch(() => ({ apps: [] }));
      for (const a of apps.apps) await call(owner.context.request, "deleteApp", { params: { team: slug, app: a.name } }).catch(() => undefined);
      await call(owner.context.request, "deleteTeam", { params: { team: slug } }).catch(() => undefined);
      for (const s of [owner, ...members]) await s.context.close();
    },
  };
}

/** The runtime-host on this machine registers under BERTH_HOST_ID, or its hostname made fit for an id (runtime-host/src/config.ts). */
const thisHost =
  process.env.BERTH_HOST_ID ??
  (hostname()
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, "-")
    .replace(/^-+/, "")
    .slice(0, 63) ||
    "host");

const appPath = (team: string, app: string) => `/apps/${team}/${app}`;

/** Waits until the app page shows `version` live; a deployment that fails instead ends the wait at once, with its reason. */
async function expectLive(page: Page, version: number) {
  const status = page.getByTestId("current-deployment-status");
  const live = page.getByTestId("live-release");
  const deadline = Date.now() + DEPLOY_TIMEOUT;
  for (;;) {
    const [s, v] = await Promise.all([status.getAttribute("data-status"), live.textContent()]);
    if (s === "live" && v === `v${version}`) return;
    if (s === "failed") throw new Error(`the deployment failed: ${await page.getByTestId("latest-deployment-reason").textContent()}`);
    if (Date.now() > deadline) throw new Error(`v${version} is not live after ${DEPLOY_TIMEOUT} ms (status ${s}, live ${v})`);
    await page.waitForTimeout(250);
  }
}

/** Opens the app's own address in a new tab (Chromium resolves *.localhost to loopback) and reads /passwd. */
async function expectServing(page: Page, appUrl: string) {
  const site = await page.context().newPage();
  try {
    await expect(async () => {
      const res = await site.goto(`${appUrl}/passwd`);
      expect(res?.status()).toBe(200);
      await expect(site.locator("body")).toContainText("root:x:0:0");
    }).toPass({ timeout: 20_000 });
  } finally {
    await site.close();
  }
}

test("a developer deploys an app, opens it through the proxy, changes its environment and rolls back", async ({ browser, request }) => {
  test.setTimeout(5 * 60_000);
  const c = await crew(browser, request);
  try {
    const dev = await c.member("dev", "developer");
    const name = `web-${rand()}`;
    await call(dev.context.request, "createApp", {
      params: { team: c.slug },
      body: { ...httpdApp(name), env: { API_KEY: { value: "s3cret-value", secret: true } } },
    });
    const page = dev.page;

    // The app is listed with its team; it has never been deployed.
    await page.goto("/apps");
    const row = page.locator(`[data-testid="app-row"][data-app="${c.slug}/${name}"]`);
    await expect(row).toContainText("never deployed");
    await row.getByRole("link", { name, exact: true }).click();
    await expect(page).toHaveURL(new RegExp(`${appPath(c.slug, name)}$`));
    await expect(page.getByTestId("current-deployment-status")).toHaveAttribute("data-status", "none");
    await expect(page.getByTestId("live-release")).toHaveText("no live release");

    // Deploy: the status follows the deployment until it is live as v1.
    await page.getByRole("button", { name: "Deploy", exact: true }).click();
    await expect(page.getByTestId("started-deployment")).toBeVisible();
    await expectLive(page, 1);
    await expect(page.getByTestId("deployment-row").first()).toHaveAttribute("data-status", "live");

    // Served through the proxy at the app's own address.
    const appUrl = await page.getByTestId("app-url").getAttribute("href");
    expect(appUrl).toMatch(new RegExp(`^http://${name}-${c.slug}\\.`));
    await expectServing(page, appUrl ?? "");

    // The secret seeded with the app is shown masked, never its value.
    await page.getByRole("link", { name: "Environment" }).click();
    const secret = page.locator('[data-testid="env-row"][data-key="API_KEY"]');
    await expect(secret.getByTestId("env-value")).toContainText("•••");
    await expect(page.locator("body")).not.toContainText("s3cret-value");

    // A new variable makes a new release, which goes live.
    const form = page.getByTestId("env-form");
    await form.getByLabel("Name").fill("GREETING");
    await form.getByLabel("Value").fill("hello");
    await form.getByRole("button", { name: "Save variable" }).click();
    await expect(page.locator('[data-testid="env-row"][data-key="GREETING"]').getByTestId("env-value")).toHaveText("hello");
    await expect(page.getByRole("region", { name: "Environment" }).getByTestId("started-deployment")).toBeVisible();
    await expectLive(page, 2);

    await page.getByRole("link", { name: "Releases" }).click();
    const v1 = page.locator('[data-testid="release-row"][data-version="1"]');
    const v2 = page.locator('[data-testid="release-row"][data-version="2"]');
    await expect(v2.getByTestId("release-env-keys")).toContainText("GREETING");
    await expect(v2.getByTestId("release-live")).toBeVisible();
    await expect(v1.getByTestId("release-env-keys")).not.toContainText("GREETING");

    // Roll back to v1, confirming first; v1 is live again and still serves.
    await v1.getByRole("button", { name: "Roll back to v1" }).click();
    await v1.getByRole("button", { name: "Yes, roll back" }).click();
    await expect(page.getByRole("region", { name: "Releases" }).getByTestId("started-deployment")).toBeVisible();
    await expectLive(page, 1);
    await expect(v1.getByTestId("release-live")).toBeVisible();
    await expect(v2.getByRole("button", { name: "Roll back to v2" })).toBeVisible();
    await expectServing(page, appUrl ?? "");

    // Only the serving deployment (the rollback) says live; the two before it went live and were replaced.
    await page.getByRole("link", { name: "Deployments" }).click();
    await expect(page.getByTestId("deployment-row")).toHaveCount(3);
    await expect(page.getByTestId("deployment-row").first()).toHaveAttribute("data-status", "live");
    await expect(page.locator('[data-testid="deployment-row"][data-status="replaced"]')).toHaveCount(2);

    // One replica runs, of v1; v2's is stopped (gracefully: up to the engine's 10 s) once v1 took over.
    await page.getByRole("link", { name: "Containers" }).click();
    const running = page.locator('[data-testid="container-row"][data-state="running"]');
    await expect(running).toHaveCount(1, { timeout: 30_000 });
    await expect(running).toContainText("v1");
  } finally {
    await c.close();
  }
});

test("a deploy whose health check never passes ends failed, with its reason and log, and nothing live", async ({ browser, request }) => {
  test.setTimeout(3 * 60_000);
  const c = await crew(browser, request);
  try {
    const name = `bad-${rand()}`;
    await call(c.owner.context.request, "createApp", { params: { team: c.slug }, body: httpdApp(name, { path: "/nope", attempts: 3 }) });
    const page = c.owner.page;
    await page.goto(appPath(c.slug, name));
    await page.getByRole("button", { name: "Deploy", exact: true }).click();

    // Follow the deployment: its log streams in while it runs, and it ends failed with a reason.
    await page.getByTestId("started-deployment").getByRole("link", { name: "follow it" }).click();
    await expect(page).toHaveURL(/\/deployments\/[0-9a-f-]+$/);
    await expect(page.getByTestId("deployment-status")).toHaveAttribute("data-status", "failed", { timeout: DEPLOY_TIMEOUT });
    await expect(page.getByTestId("deployment-reason")).toContainText(/health check/i);
    const log = page.getByTestId("deploy-log");
    await expect(log).toContainText("GET /nope");
    await expect(log).toContainText(/unhealthy after 3 tries/);
    await expect(log).toContainText(/Failed: /);
    await expect(page.getByTestId("deployment-timeline").locator('li[data-state="failed"]')).toHaveAttribute("data-phase", "failed");

    // Back on the app: nothing is live, and the failure is explained there too.
    await page.getByRole("navigation", { name: "Breadcrumb" }).getByRole("link", { name, exact: true }).click();
    await expect(page.getByTestId("live-release")).toHaveText("no live release");
    await expect(page.getByTestId("current-deployment-status")).toHaveAttribute("data-status", "failed");
    await expect(page.getByTestId("latest-deployment-reason")).toContainText(/health check/i);
  } finally {
    await c.close();
  }
});

test("a viewer sees the team's app but none of the controls that change it", async ({ browser, request }) => {
  const c = await crew(browser, request);
  try {
    const viewer = await c.member("viewer", "viewer");
    const name = `web-${rand()}`;
    await call(c.owner.context.request, "createApp", {
      params: { team: c.slug },
      body: { ...httpdApp(name), env: { MODE: { value: "demo", secret: false } } },
    });
    const page = viewer.page;

    await page.goto("/apps");
    await page.getByTestId("team-picker").selectOption(c.slug);
    await page.locator(`[data-testid="app-row"][data-app="${c.slug}/${name}"]`).getByRole("link", { name, exact: true }).click();
    await expect(page.getByTestId("app-title")).toHaveText(name);
    await expect(page.getByTestId("app-url")).toBeVisible();
    await expect(page.getByRole("button", { name: "Deploy", exact: true })).toHaveCount(0);

    await page.getByRole("link", { name: "Environment" }).click();
    await expect(page.locator('[data-testid="env-row"][data-key="MODE"]')).toContainText("demo");
    await expect(page.getByTestId("env-form")).toHaveCount(0);
    await expect(page.getByRole("button", { name: /^(Edit|Unset)/ })).toHaveCount(0);

    await page.getByRole("link", { name: "Settings" }).click();
    await expect(page.getByTestId("settings-form").getByLabel("Port")).toBeDisabled();
    await expect(page.getByRole("button", { name: "Save settings" })).toHaveCount(0);
    await expect(page.getByRole("button", { name: "Delete app" })).toHaveCount(0);

    await page.getByRole("link", { name: "Run a command" }).click();
    await expect(page.getByRole("heading", { name: "Run a command" })).toBeVisible();
    await expect(page.getByRole("button", { name: "Run" })).toHaveCount(0);

    // And the API agrees: the viewer cannot deploy even without the button.
    const res = await viewer.context.request.post(`/api/v1/teams/${c.slug}/apps/${name}/deployments`, { data: {} });
    expect(res.status()).toBe(403);
  } finally {
    await c.close();
  }
});

test("a team admin creates an app with the form from a base image, then deletes it by typing its name", async ({ browser, request }) => {
  test.setTimeout(2 * 60_000);
  const c = await crew(browser, request);
  try {
    const page = (await c.member("admin", "admin")).page;
    const name = `form-${rand()}`;
    await page.goto("/apps");
    await page.getByTestId("team-picker").selectOption(c.slug);
    await page.getByRole("link", { name: "New app" }).click();
    await expect(page).toHaveURL(new RegExp(`/apps/new\\?team=${c.slug}$`));
    const fromSource = page.getByTestId("deploy-from-source");
    await expect(fromSource).toContainText(`git remote add berth ${new URL(baseURL()).origin}/git/${c.slug}/<app>.git`);
    await expect(fromSource).toContainText(`berth deploy ${c.slug}/<app> --dir .`);

    await page.getByLabel("Name").fill(name);
    await page.getByRole("button", { name: "Pick an image" }).click();
    const base = page.getByTestId("picker-berth");
    await base.getByRole("button", { name: "berth/busybox" }).click();
    await base.getByRole("button", { name: "Use berth/busybox:latest" }).click();
    await expect(page.getByLabel("Image reference")).toHaveValue(`${registry}/berth/busybox:latest`);
    await page.getByLabel("Replicas").fill("0");
    await page.getByRole("button", { name: "Create and deploy" }).click();

    // The app page opens with the first deployment under way (or already done).
    await expect(page).toHaveURL(new RegExp(`${appPath(c.slug, name)}$`));
    await expect(page.getByTestId("current-deployment-status")).not.toHaveAttribute("data-status", "none");
    await expect(page.getByTestId("deployment-row")).toHaveCount(1);

    await page.getByRole("link", { name: "Settings" }).click();
    const remove = page.getByRole("button", { name: "Delete app" });
    await expect(remove).toBeDisabled();
    await page.getByLabel("App name to confirm").fill(name);
    await remove.click();
    await expect(page).toHaveURL(/\/apps$/);
    await expect(page.locator(`[data-testid="app-row"][data-app="${c.slug}/${name}"]`)).toHaveCount(0);
    await expect(page.getByTestId(`team-apps-${c.slug}`)).toContainText("No apps yet");
  } finally {
    await c.close();
  }
});

test("the admin drains a host on its page and puts it back in service", async ({ page }) => {
  const email = process.env.BERTH_ADMIN_EMAIL ?? "admin@berth.localhost";
  const password = process.env.BERTH_ADMIN_PASSWORD ?? "";
  expect(password, "BERTH_ADMIN_PASSWORD must be set (npm test loads .berth/berth.env)").not.toBe("");
  const signedIn = await page.request.post("/api/auth/sign-in/email", { headers: { origin: new URL(baseURL()).origin }, data: { email, password } });
  expect(signedIn.status(), await signedIn.text()).toBe(200);

  await page.goto("/hosts");
  // This machine's host (integration tests may register short-lived hosts of their own meanwhile).
  const row = page.locator(`[data-host-id="${thisHost}"]`);
  await expect(row).toContainText("online");
  await row.getByRole("link", { name: thisHost, exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`/hosts/${thisHost}$`));
  try {
    await expect(page.getByTestId("host-status")).toHaveAttribute("data-status", "online");
    await expect(page.getByTestId("host-capacity")).toContainText("CPUs");
    await expect(page.getByTestId("host-heartbeat-age")).toHaveText(/s ago$/);
    await expect(page.getByTestId("host-containers")).toBeVisible();

    await page.getByTestId("host-drain").click();
    await expect(page.getByTestId("host-status")).toHaveAttribute("data-status", "draining");
    await expect(page.getByTestId("host-drain")).toHaveText("Undrain");

    await page.getByTestId("host-drain").click();
    await expect(page.getByTestId("host-status")).toHaveAttribute("data-status", "online");
    await expect(page.getByTestId("host-drain")).toHaveText("Drain");
  } finally {
    // Never leave the only host drained for the journeys after this one.
    await page.request.post(`/api/v1/hosts/${encodeURIComponent(thisHost)}/drain`, { data: { draining: false } });
  }
});
