// Teams in the browser: signing up, creating a team, inviting by link, joining, and who sees
// the member controls. Accounts and teams that are not the point of a test are seeded through
// the API; what the journey is about happens by clicking.
import { ROUTES, routePath } from "@berth/core";
import type { APIRequestContext, Browser, BrowserContext, Page } from "@playwright/test";
import { expect, guardNetworkChanges, test } from "./fixtures.ts";
import { fakeIp, rand, webUrl } from "./support.ts";

type Person = { email: string; name: string; username: string; password: string };

function person(label: string): Person {
  const username = `${label}-${rand()}`;
  return { username, email: `${username}@example.test`, name: `${label[0]?.toUpperCase()}${label.slice(1)} ${rand()}`, password: `pw-${rand()}-${rand()}` };
}

const baseURL = () => {
  const url = test.info().project.use.baseURL;
  if (!url) throw new Error("baseURL is not configured");
  return url;
};

async function fillSignUp(page: Page, p: Person) {
  await page.getByLabel("Email").fill(p.email);
  await page.getByLabel("Name", { exact: true }).fill(p.name);
  await page.getByLabel("Username").fill(p.username);
  await page.getByLabel("Password").fill(p.password);
  await page.getByRole("button", { name: "Create account" }).click();
}

/**
 * An account made through the API, signed in within a fresh browser context. The sign-up goes
 * straight to web with its own client address, so seeding does not spend the per-address
 * sign-up budget that the journeys' browser sign-ups (all from Caddy's 127.0.0.1) need.
 */
async function seedUser(browser: Browser, request: APIRequestContext, label: string): Promise<{ p: Person; context: BrowserContext; page: Page }> {
  const p = person(label);
  const up = await request.post(`${webUrl}/api/auth/sign-up/email`, {
    headers: { origin: webUrl, "x-forwarded-for": fakeIp() },
    data: { email: p.email, password: p.password, name: p.name, username: p.username },
  });
  expect(up.status(), await up.text()).toBe(200);
  const context = guardNetworkChanges(await browser.newContext({ baseURL: baseURL() }));
  // The context's own request client shares its cookie jar: the session lands in the browser.
  const signIn = await context.request.post("/api/auth/sign-in/email", { headers: { origin: baseURL() }, data: { email: p.email, password: p.password } });
  expect(signIn.status(), await signIn.text()).toBe(200);
  return { p, context, page: await context.newPage() };
}

/** Calls a route of the REST API as the context's signed-in user. */
async function call(context: BrowserContext, name: keyof typeof ROUTES, opts: { params?: Record<string, string>; body?: unknown } = {}) {
  const r = ROUTES[name];
  const res = await context.request.fetch(routePath(r.path, opts.params), { method: r.method, data: opts.body });
  expect(res.status(), `${name}: ${await res.text()}`).toBe(r.status);
  return r.status === 204 ? null : await res.json();
}

test("a user signs up, creates a team, invites by link, and sees the new member join as developer", async ({ page, browser }) => {
  const a = person("owner");
  const b = person("dev");
  const team = { slug: `t-${rand()}`, name: `Team ${rand()}` };

  // A signs up in the browser and lands on the dashboard, signed in.
  await page.goto("/sign-in");
  await page.getByRole("link", { name: "Create an account" }).click();
  await expect(page).toHaveURL(/\/sign-up$/);
  await fillSignUp(page, a);
  await expect(page.getByTestId("current-user")).toHaveText(a.email);

  // A creates a team and becomes its owner.
  await page.getByRole("link", { name: "Teams" }).click();
  await page.getByLabel("Team name").fill(team.name);
  await page.getByLabel("Slug").fill(team.slug);
  await page.getByRole("button", { name: "Create team" }).click();
  await expect(page).toHaveURL(new RegExp(`/teams/${team.slug}$`));
  await expect(page.getByRole("heading", { name: team.name })).toBeVisible();
  await expect(page.getByTestId("my-role")).toHaveText("owner");

  // A makes an invitation link for a developer; it is shown once.
  await page.getByLabel("Role", { exact: true }).selectOption("developer");
  await page.getByRole("button", { name: "Create invite link" }).click();
  const link = await page.getByTestId("invite-link").getByRole("textbox").inputValue();
  expect(link).toMatch(/\/invite\/[A-Za-z0-9_-]{10,}$/);
  await expect(page.getByTestId("invitation-row")).toHaveCount(1);
  await expect(page.getByTestId("invitation-row")).toContainText("developer");
  const invitePath = new URL(link).pathname;

  // B, in a browser of their own, opens the link signed out, is sent to sign-in, signs up
  // instead, and comes back to the invitation.
  const contextB = guardNetworkChanges(await browser.newContext({ baseURL: baseURL() }));
  const pageB = await contextB.newPage();
  await pageB.goto(invitePath);
  await expect(pageB).toHaveURL(/\/sign-in\?next=%2Finvite%2F/);
  await pageB.getByRole("link", { name: "Create an account" }).click();
  await expect(pageB).toHaveURL(/\/sign-up\?next=%2Finvite%2F/);
  await fillSignUp(pageB, b);
  await expect(pageB).toHaveURL(new RegExp(`${invitePath}$`));
  await expect(pageB.getByRole("heading", { name: "Join team" })).toBeVisible();
  await pageB.getByRole("button", { name: "Accept invitation" }).click();

  // B is now in the team as a developer, and sees the members but no controls over them.
  await expect(pageB).toHaveURL(new RegExp(`/teams/${team.slug}$`));
  await expect(pageB.getByTestId("my-role")).toHaveText("developer");
  await expect(pageB.getByTestId("member-row")).toHaveCount(2);
  await expect(pageB.getByRole("combobox")).toHaveCount(0);
  await expect(pageB.getByRole("button", { name: /^Remove/ })).toHaveCount(0);
  await expect(pageB.getByRole("heading", { name: "Invitations" })).toHaveCount(0);

  // The link is used up: opening it again refuses it.
  await pageB.goto(invitePath);
  await pageB.getByRole("button", { name: "Accept invitation" }).click();
  await expect(pageB.getByTestId("invite-error")).toContainText(/invalid, used or expired/);
  await contextB.close();

  // A sees B as a developer (with a role control) and themselves as owner (without one).
  await page.reload();
  const rowB = page.locator(`[data-testid="member-row"][data-username="${b.username}"]`);
  const rowA = page.locator(`[data-testid="member-row"][data-username="${a.username}"]`);
  await expect(rowB).toContainText(b.email);
  await expect(rowB.getByRole("combobox", { name: `Role of ${b.username}` })).toHaveValue("developer");
  await expect(rowA.getByTestId("role-badge")).toHaveText("owner");
  await expect(rowA.getByRole("combobox")).toHaveCount(0);
  await expect(page.getByTestId("invitation-row")).toHaveCount(0);
});

test("a viewer sees the team's members but none of the role controls an owner has", async ({ browser, request }) => {
  const owner = await seedUser(browser, request, "owner");
  const viewer = await seedUser(browser, request, "viewer");
  const slug = `t-${rand()}`;
  await call(owner.context, "createTeam", { body: { slug, name: `Team ${slug}` } });
  const inv = await call(owner.context, "createInvitation", { params: { team: slug }, body: { role: "viewer" } });
  await call(viewer.context, "acceptInvitation", { body: { token: inv.token } });

  // The owner's view: a role select and a remove button for the viewer.
  await owner.page.goto(`/teams/${slug}`);
  await expect(owner.page.getByTestId("member-row")).toHaveCount(2);
  await expect(owner.page.getByRole("combobox", { name: `Role of ${viewer.p.username}` })).toHaveValue("viewer");
  await expect(owner.page.getByRole("button", { name: `Remove ${viewer.p.username}` })).toBeVisible();

  // The viewer's view of the same team: the same members, read-only.
  await viewer.page.goto(`/teams/${slug}`);
  await expect(viewer.page.getByTestId("my-role")).toHaveText("viewer");
  await expect(viewer.page.getByTestId("member-row")).toHaveCount(2);
  await expect(viewer.page.locator(`[data-testid="member-row"][data-username="${owner.p.username}"]`).getByTestId("role-badge")).toHaveText("owner");
  await expect(viewer.page.getByRole("combobox")).toHaveCount(0);
  await expect(viewer.page.getByRole("button", { name: /^Remove/ })).toHaveCount(0);
  await expect(viewer.page.getByRole("heading", { name: "Invitations" })).toHaveCount(0);
  await expect(viewer.page.getByRole("link", { name: "Audit log" })).toHaveCount(0);

  // And the API agrees: the viewer cannot change roles even without the controls.
  const me = await call(viewer.context, "me");
  const res = await viewer.context.request.fetch(routePath(ROUTES.updateMember.path, { team: slug, userId: me.user.id }), {
    method: "PATCH",
    data: { role: "owner" },
  });
  expect(res.status()).toBe(403);

  await owner.context.close();
  await viewer.context.close();
});
