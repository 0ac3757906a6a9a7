// Seeding helpers shared by the journeys. Accounts are made straight at web with a client
// address of their own: through Caddy every browser sign-up counts against 127.0.0.1's small
// per-address sign-up budget, which the journeys' own browser sign-ups need.
import { randomBytes } from "node:crypto";
import { type APIRequestContext, expect, type Page } from "@playwright/test";

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
