// What integration tests know about the running stack: read once from the environment that
// `npm test` exports (.berth/berth.env plus DATABASE_URL and REDIS_URL).
import { randomBytes } from "node:crypto";
import { join, resolve } from "node:path";
import { STACK_HOST_ADDRESSES } from "../../infra/testnet/constants.ts";

const need = (name: string): string => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run integration tests through \`npm test\``);
  return v;
};

const home = resolve(join(import.meta.dirname, "../.."), process.env.BERTH_HOME ?? ".berth");
const proxyPort = Number(process.env.BERTH_PROXY_PORT ?? "8080");

export const stack = {
  /** Where the stack keeps its data (.berth): pid files, registry keys, git repositories. */
  home,
  webUrl: `http://127.0.0.1:${process.env.BERTH_WEB_PORT ?? "3000"}`,
  proxyUrl: `http://localhost:${process.env.BERTH_PROXY_PORT ?? "8080"}`,
  databaseUrl: need("DATABASE_URL"),
  redisUrl: need("REDIS_URL"),
  adminEmail: process.env.BERTH_ADMIN_EMAIL ?? "admin@berth.localhost",
  adminPassword: need("BERTH_ADMIN_PASSWORD"),
  pgPort: process.env.BERTH_PG_PORT ?? "55432",
  registryHost: `127.0.0.1:${process.env.BERTH_REGISTRY_PORT ?? "5000"}`,
  registryService: process.env.BERTH_REGISTRY_SERVICE ?? "berth-registry",
  proxyPort,
  /** Apps answer at <app>-<team>.<domain>. */
  domain: process.env.BERTH_DOMAIN ?? "localhost",
  dockerSocket: process.env.DOCKER_SOCKET ?? "/var/run/docker.sock",
  /** The second local host's engine (runtime-host-2's; it runs in that host's network namespace, infra/services/host2.sh). */
  docker2Socket: join(home, "hosts", "stack-2", "docker.sock"),
  /** The second local host's address on the bridge berthnet0: its containers' ports are published there. */
  host2Address: STACK_HOST_ADDRESSES["2"],
};

/** The environment for a child process (skopeo, docker): this one's, plus `extra`. */
export const childEnv = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({ ...process.env, ...extra });

/** A fresh client address per caller, so rate limits of one test never bleed into another. */
export const fakeIp = () => `10.${randomBytes(1)[0]}.${randomBytes(1)[0]}.${randomBytes(1)[0]}`;

/** Signs in through the real auth endpoint; returns the Cookie header for later requests. */
export async function signIn(email: string, password: string): Promise<string> {
  const res = await fetch(`${stack.webUrl}/api/auth/sign-in/email`, {
    method: "POST",
    // A client address of its own, so repeated test runs do not share one rate-limit bucket.
    headers: {
      "content-type": "application/json",
      origin: stack.webUrl,
      "x-forwarded-for": fakeIp(),
    },
    body: JSON.stringify({ email, password }),
  });
  if (res.status !== 200) throw new Error(`sign-in as ${email} failed: HTTP ${res.status} ${await res.text()}`);
  return res.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
}
