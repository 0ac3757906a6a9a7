// The stack's settings for benchmarks, read once (from .berth/berth.env via `npm run bench`), and
// signing the instance admin in.
export const webUrl = `http://127.0.0.1:${process.env.BERTH_WEB_PORT ?? "3000"}`;
export const registryHost = `127.0.0.1:${process.env.BERTH_REGISTRY_PORT ?? "5000"}`;
export const proxyPort = Number(process.env.BERTH_PROXY_PORT ?? "8080");
export const domain = process.env.BERTH_DOMAIN ?? "localhost";
export const redisUrl = process.env.REDIS_URL ?? "";

export async function signInAdmin(): Promise<{ cookie: string; username: string }> {
  const email = process.env.BERTH_ADMIN_EMAIL ?? "admin@berth.localhost";
  const password = process.env.BERTH_ADMIN_PASSWORD ?? "";
  if (!password) throw new Error("BERTH_ADMIN_PASSWORD is not set: run through `npm run bench`");
  const res = await fetch(`${webUrl}/api/auth/sign-in/email`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: webUrl },
    body: JSON.stringify({ email, password }),
  });
  if (res.status !== 200) throw new Error(`admin sign-in: HTTP ${res.status} ${await res.text()}`);
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
  const me = await fetch(`${webUrl}/api/v1/me`, { headers: { cookie } });
  const { user } = (await me.json()) as { user: { username: string | null } };
  if (!user.username) throw new Error("the admin has no username, hence no personal namespace");
  return { cookie, username: user.username };
}
