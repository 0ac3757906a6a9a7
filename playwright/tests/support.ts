// Seeding helpers shared by the journeys. Accounts are made straight at web with a client
// address of their own: through Caddy every browser sign-up counts against 127.0.0.1's small
// per-address sign-up budget, which the journeys' own browser sign-ups need.
import { randomBytes } from "node:crypto";
import { type Reply, ROUTES, type RouteName, routePath } from "@berth/core";
import type { APIRequestContext, Browser, BrowserContext, Page } from "@playwright/test";
import { expect, guardNetworkChanges } from "./fixtures.ts";

export const registry = `127.0.0.1:${process.env.BERTH_REGISTRY_PORT ?? "5000"}`;
export const webUrl = `http://127.0.0.1:${process.env.BERTH_WEB_PORT ?? "3000"}`;
export const rand = () => randomBytes(4).toString("hex");
/** A client address of its own per seeded account: web trusts X-Forwarded-For only from local callers. */
export const fakeIp = () => `10.${randomBytes(3).join(".")}`;

export type User = { username: string; password: string };

/** Signs a fresh user up through the API (username `<label>-<random>`). */
export async function signUp(request: APIRequestContext, label: string): Promise<User> {
  const user = { username: `${label}-${rand()}`, password: `pw-${rand()}-${rand()}` };
  const res = await request.post(`${webUrl}/api/auth/sign-up/email`, {
    headers: { origin: webUrl, "x-forwarded-for": fakeIp() },
    data: { email: `${user.username}@example.test`, password: user.password, name: user.username, username: user.username },
  });
  expect(res.status(), await res.text()).toBe(200);
  return user;
}

/** Signs in through Caddy with the page's own request client, so the session cookie lands in the browser. */
export async function signIn(page: Page, user: User, origin: string) {
  const res = await page.request.post("/api/auth/sign-in/email", {
    headers: { origin },
    data: { email: `${user.username}@example.test`, password: user.password },
  });
  expect(res.status(), await res.text()).toBe(200);
}

/** A person seeded through the API, signed in within a browser context of their own. */
export type Seeded = { user: User; context: BrowserContext; page: Page };

export async function seedSignedIn(browser: Browser, request: APIRequestContext, label: string, baseURL: string): Promise<Seeded> {
  const user = await signUp(request, label);
  const context = guardNetworkChanges(await browser.newContext({ baseURL }));
  const page = await context.newPage();
  // The context's own request client shares its cookie jar: the session lands in the browser.
  await signIn(page, user, new URL(baseURL).origin);
  return { user, context, page };
}

/** Calls a REST route through a request client that carries a session, expecting the route's success status. */
export async function call<N extends RouteName>(
  request: APIRequestContext,
  name: N,
  opts: { params?: Record<string, string>; body?: unknown; query?: Record<string, string> } = {},
): Promise<Reply<N>> {
  const r = ROUTES[name];
  const query = opts.query ? `?${new URLSearchParams(opts.query)}` : "";
  const res = await request.fetch(`${routePath(r.path, opts.params)}${query}`, { method: r.method, data: opts.body });
  expect(res.status(), `${name}: ${await res.text()}`).toBe(r.status);
  return (r.status === 204 ? undefined : await res.json()) as Reply<N>;
}

/** Adds a seeded person to a team with a role, through an invitation the owner makes. */
export async function joinTeam(owner: APIRequestContext, member: APIRequestContext, team: string, role: "admin" | "developer" | "viewer") {
  const inv = await call(owner, "createInvitation", { params: { team }, body: { role } });
  await call(member, "acceptInvitation", { body: { token: inv.token } });
}
