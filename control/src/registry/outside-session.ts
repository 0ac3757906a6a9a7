// Requests to a registry other than Berth's (Docker Hub, GHCR, a company's registry), every one
// through the outbound policy: the registry itself, the token realm its challenge names, and each
// redirect hop (blobs are often served from storage elsewhere) is checked (check-destination.ts)
// and connected to the checked address (send-pinned.ts). Answers the registry's challenge:
// `Bearer realm=…,service=…,scope=…` (a token, anonymous or with the team's credential) or `Basic`.
// https first; plain http only for a registry at an address an instance admin allowed (a registry
// on a LAN or this machine, which usually has no certificate), as the docker CLI does for its
// "insecure registries".
import { AppError } from "@berth/core/errors";
import { classifyAddress } from "../outbound/address-class.ts";
import { checkDestination } from "../outbound/check-destination.ts";
import type { OutboundPolicy } from "../outbound/outbound-policy.ts";
import { HopFailed, sendFollowing, TooManyRedirects } from "../outbound/send-following.ts";
import type { PinnedRequest, PinnedResponse } from "../outbound/send-pinned.ts";

export type RegistryCredential = { username: string; password: string };

export type GetOptions = {
  accept?: string;
  method?: "GET" | "HEAD";
  maxBodyBytes?: number;
  /** Streams a 200 answer's body (a layer) instead of buffering it (send-pinned.ts); may be called again for a retry. */
  sink?: PinnedRequest["sink"];
};

export type OutsideSession = {
  /** `host[:port]` as written in the reference. */
  registry: string;
  /** `GET /v2/` with the credential, as `docker login` does; a refusal is a BAD_REQUEST (loginFailed). */
  login(): Promise<void>;
  /** `GET /v2/<repository><path>` (following redirects through the policy), authenticated as the registry asks. */
  get(repository: string, path: string, opts: GetOptions): Promise<PinnedResponse>;
};

const TIMEOUT_MS = 30_000;
const MAX_REDIRECTS = 5;

export function outsideSession(policy: OutboundPolicy, registry: string, credential?: RegistryCredential): OutsideSession {
  // Docker Hub's API lives at registry-1.docker.io (what the docker CLI talks to for docker.io).
  const apiHost = registry === "docker.io" ? "registry-1.docker.io" : registry;
  let scheme: "https:" | "http:" | undefined;
  let authorization: string | undefined;

  async function send(
    url: string,
    init: { method: string; headers: Record<string, string>; maxBodyBytes?: number; sink?: GetOptions["sink"] },
  ): Promise<PinnedResponse> {
    try {
      return await sendFollowing(
        policy,
        url,
        { method: init.method, headers: init.headers, timeoutMs: TIMEOUT_MS, maxBodyBytes: init.maxBodyBytes, sink: init.sink },
        MAX_REDIRECTS,
      );
    } catch (err) {
      if (err instanceof HopFailed) throw err.cause;
      if (err instanceof TooManyRedirects) throw new AppError("UNAVAILABLE", `${registry} redirected more than ${MAX_REDIRECTS} times`);
      throw err;
    }
  }

  async function base(): Promise<string> {
    if (scheme) return `${scheme}//${apiHost}`;
    try {
      await send(`https://${apiHost}/v2/`, { method: "GET", headers: {} });
      scheme = "https:";
    } catch (e) {
      if (e instanceof AppError) throw e;
      // No TLS there: plain http only where an admin opened the address (never a public registry).
      const dest = await checkDestination(policy, `http://${apiHost}/v2/`);
      if (classifyAddress(dest.address) === "public") throw unreachable(e);
      scheme = "http:";
    }
    return `${scheme}//${apiHost}`;
  }

  /** `repository` undefined: a login (`docker login`): a token for no scope. */
  async function answerChallenge(challenge: string, repository: string | undefined): Promise<void> {
    const denied = () => (repository === undefined ? loginFailed(registry) : pullDenied(registry, repository));
    const [kind = "", ...rest] = challenge.trim().split(/\s+/);
    if (kind.toLowerCase() === "basic") {
      if (!credential) throw denied();
      authorization = `Basic ${Buffer.from(`${credential.username}:${credential.password}`).toString("base64")}`;
      return;
    }
    if (kind.toLowerCase() !== "bearer") throw new AppError("UNAVAILABLE", `${registry} asks for an unsupported authentication (${kind})`);
    const params = Object.fromEntries([...rest.join(" ").matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    if (!params.realm) throw new AppError("UNAVAILABLE", `${registry} sent a token challenge without a realm`);
    const realm = new URL(params.realm);
    if (params.service) realm.searchParams.set("service", params.service);
    if (repository !== undefined) realm.searchParams.set("scope", params.scope ?? `repository:${repository}:pull`);
    else if (credential) realm.searchParams.set("account", credential.username);
    const headers: Record<string, string> = {};
    if (credential) headers.authorization = `Basic ${Buffer.from(`${credential.username}:${credential.password}`).toString("base64")}`;
    const res = await send(realm.href, { method: "GET", headers });
    if (res.status === 401 || res.status === 403) throw denied();
    if (res.status !== 200) throw new AppError("UNAVAILABLE", `${registry}'s token service answered ${res.status}`);
    const body = JSON.parse(res.body.toString("utf8")) as { token?: string; access_token?: string };
    const token = body.token ?? body.access_token;
    if (!token) throw new AppError("UNAVAILABLE", `${registry}'s token service sent no token`);
    authorization = `Bearer ${token}`;
  }

  return {
    registry,
    async login() {
      const url = `${await base()}/v2/`;
      const request = () =>
        send(url, { method: "GET", headers: authorization ? { authorization } : {} }).catch((e) => {
          throw e instanceof AppError ? e : unreachable(e);
        });
      let res = await request();
      if (res.status === 401) {
        const challenge = res.headers["www-authenticate"];
        if (!challenge || !credential) throw loginFailed(registry);
        await answerChallenge(String(challenge), undefined);
        res = await request();
      }
      if (res.status === 401 || res.status === 403) throw loginFailed(registry);
      if (res.status !== 200) throw new AppError("UNAVAILABLE", `${registry} answered ${res.status} to a login`);
    },
    async get(repository, path, opts) {
      const url = `${await base()}/v2/${repository}${path}`;
      const request = () =>
        send(url, {
          method: opts.method ?? "GET",
          headers: { ...(opts.accept ? { accept: opts.accept } : {}), ...(authorization ? { authorization } : {}) },
          maxBodyBytes: opts.maxBodyBytes,
          sink: opts.sink,
        }).catch((e) => {
          throw e instanceof AppError ? e : unreachable(e);
        });
      let res = await request();
      if (res.status === 401) {
        const challenge = res.headers["www-authenticate"];
        if (!challenge || authorization?.startsWith("Basic")) throw pullDenied(registry, repository);
        await answerChallenge(String(challenge), repository);
        res = await request();
      }
      if (res.status === 401 || res.status === 403) throw pullDenied(registry, repository);
      return res;
    },
  };

  function unreachable(e: unknown) {
    return new AppError("UNAVAILABLE", `could not reach the registry ${registry}: ${(e as Error).message}`);
  }
}

/** Never names the password (nor the username: the caller knows which one it sent). */
export function loginFailed(registry: string): AppError {
  return new AppError("BAD_REQUEST", `login to ${registry} failed: check the username and password`);
}

export function pullDenied(registry: string, repository: string): AppError {
  return new AppError("BAD_REQUEST", `pull access denied for ${registry}/${repository}: check the credentials for ${registry}`);
}
