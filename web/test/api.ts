// Test helpers that drive the real HTTP API: sign-ups, sign-ins and typed route calls.
import { randomBytes } from "node:crypto";
import { ROUTES, type RouteName, routePath } from "@berth/core";
import { fakeIp, stack } from "./config.ts";

export const rand = () => randomBytes(4).toString("hex");

export { fakeIp } from "./config.ts";

export type Auth = { cookie?: string; token?: string; ip?: string };

export type TestUser = { id: string; email: string; username: string; password: string; cookie: string; ip: string };

export async function signUp(opts: { username?: string; email?: string } = {}): Promise<TestUser> {
  const username = opts.username ?? `u-${rand()}`;
  const email = opts.email ?? `${username}@example.test`;
  const password = `pw-${rand()}-${rand()}`;
  const ip = fakeIp();
  const res = await fetch(`${stack.webUrl}/api/auth/sign-up/email`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: stack.webUrl, "x-forwarded-for": ip },
    body: JSON.stringify({ email, password, name: username, username }),
  });
  if (res.status !== 200) throw new Error(`sign-up ${email}: HTTP ${res.status} ${await res.text()}`);
  const body = (await res.json()) as { user: { id: string } };
  return { id: body.user.id, email, username, password, cookie: cookieOf(res), ip };
}

export async function signInAs(email: string, password: string, ip = fakeIp()): Promise<string> {
  const res = await fetch(`${stack.webUrl}/api/auth/sign-in/email`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: stack.webUrl, "x-forwarded-for": ip },
    body: JSON.stringify({ email, password }),
  });
  if (res.status !== 200) throw new Error(`sign-in ${email}: HTTP ${res.status} ${await res.text()}`);
  return cookieOf(res);
}

const cookieOf = (res: Response) =>
  res.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");

export type CallOptions = Auth & {
  params?: Record<string, string>;
  body?: unknown;
  query?: Record<string, string>;
  rawBody?: string;
  headers?: Record<string, string>;
};

/** Calls a route from ROUTES; returns the status and parsed JSON (null for an empty body). */
// biome-ignore lint/suspicious/noExplicitAny: tests read response bodies loosely and assert on them
export async function call<T = any>(name: RouteName, o: CallOptions = {}): Promise<{ status: number; body: T; headers: Headers }> {
  const r = ROUTES[name];
  const url = new URL(stack.webUrl + routePath(r.path, o.params ?? {}));
  for (const [k, v] of Object.entries(o.query ?? {})) url.searchParams.set(k, v);
  const headers: Record<string, string> = { "x-forwarded-for": o.ip ?? fakeIp(), ...(o.headers ?? {}) };
  if (o.cookie) headers.cookie = o.cookie;
  if (o.token) headers.authorization = `Bearer ${o.token}`;
  let body: string | undefined;
  if (o.rawBody !== undefined) body = o.rawBody;
  else if (o.body !== undefined) body = JSON.stringify(o.body);
  if (body !== undefined && !headers["content-type"]) headers["content-type"] = "application/json";
  const res = await fetch(url, { method: r.method, headers, body });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as T, headers: res.headers };
}

/** Creates a team owned by `owner` and adds the given users with the given roles. */
export async function teamWith(owner: TestUser, members: { user: TestUser; role: "admin" | "developer" | "viewer" | "owner" }[] = []): Promise<string> {
  const slug = `t-${rand()}`;
  const created = await call("createTeam", { cookie: owner.cookie, body: { slug, name: `Team ${slug}` } });
  if (created.status !== 201) throw new Error(`createTeam: ${created.status} ${JSON.stringify(created.body)}`);
  for (const m of members) {
    const inv = await call("createInvitation", { cookie: owner.cookie, params: { team: slug }, body: { role: m.role } });
    if (inv.status !== 201) throw new Error(`createInvitation: ${inv.status} ${JSON.stringify(inv.body)}`);
    const acc = await call("acceptInvitation", { cookie: m.user.cookie, body: { token: inv.body.token } });
    if (acc.status !== 200) throw new Error(`acceptInvitation: ${acc.status} ${JSON.stringify(acc.body)}`);
  }
  return slug;
}
