// Reading a public image through the instance's pull-through cache for its registry (run by the
// worker, worker/src/registry-caches): the cache is asked anonymously over its unix socket, so only
// what anyone may pull ever enters it. When it cannot answer for a repository (the image is private
// or does not exist upstream, the cache is not running, the upstream is down and nothing is cached)
// that repository is read from the registry directly, with the team's credential: private images
// never go into the shared cache.
import { request } from "node:http";
import type { PinnedResponse } from "../outbound/send-pinned.ts";
import type { OutsideSession } from "./outside-session.ts";

/** No byte for this long: the cache (or its upstream, on a miss) is stuck. */
const IDLE_MS = 60_000;
const DEFAULT_MAX_BODY = 64 * 1024;

type Get = OutsideSession["get"];
/** Reads only: a login means the registry itself. */
export type CacheSession = Pick<OutsideSession, "registry" | "get">;

/** A session with the cache on `socket` (anonymous; the cache answers for one registry). */
export function cacheSocketSession(socket: string, registry: string): CacheSession {
  return {
    registry,
    get: (repository, path, opts) =>
      new Promise<PinnedResponse>((resolve, reject) => {
        const maxBody = opts.maxBodyBytes ?? DEFAULT_MAX_BODY;
        const req = request(
          {
            socketPath: socket,
            path: `/v2/${repository}${path}`,
            method: opts.method ?? "GET",
            headers: { host: "registry-cache", ...(opts.accept ? { accept: opts.accept } : {}) },
          },
          (res) => {
            if (opts.sink && res.statusCode === 200) {
              opts.sink(res).then(() => resolve({ status: 200, headers: res.headers, body: Buffer.alloc(0), truncated: false }), reject);
              return;
            }
            const chunks: Buffer[] = [];
            let size = 0;
            let truncated = false;
            res.on("data", (chunk: Buffer) => {
              if (truncated) return;
              if (size + chunk.length > maxBody) {
                truncated = true;
                chunks.push(chunk.subarray(0, maxBody - size));
                size = maxBody;
                res.destroy();
                resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), truncated });
                return;
              }
              chunks.push(chunk);
              size += chunk.length;
            });
            res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), truncated }));
            res.on("error", reject);
          },
        );
        req.setTimeout(IDLE_MS, () => req.destroy(new Error(`the registry cache for ${registry} sent nothing for ${IDLE_MS / 1000} s`)));
        req.on("error", reject);
        req.end();
      }),
  };
}

export type CacheFallback = { repository: string; reason: string };

/**
 * The cache first, per repository; the registry directly (`direct`, opened only when needed) for a
 * repository the cache did not serve: once the cache failed a repository, the rest of its requests
 * in this session go directly (content is addressed by digest, so either side's blobs are the same).
 */
export function throughCache(cache: CacheSession, direct: () => Promise<OutsideSession>, onFallback?: (f: CacheFallback) => void): OutsideSession {
  const directRepos = new Set<string>();
  let directSession: Promise<OutsideSession> | undefined;
  const openDirect = () => {
    directSession ??= direct();
    return directSession;
  };
  const viaDirect: Get = async (repository, path, opts) => (await openDirect()).get(repository, path, opts);

  return {
    registry: cache.registry,
    login: async () => (await openDirect()).login(),
    async get(repository, path, opts) {
      if (directRepos.has(repository)) return viaDirect(repository, path, opts);
      let res: PinnedResponse;
      try {
        res = await cache.get(repository, path, opts);
      } catch (e) {
        directRepos.add(repository);
        onFallback?.({ repository, reason: (e as Error).message });
        return viaDirect(repository, path, opts);
      }
      if (res.status >= 200 && res.status < 300) return res;
      // 401/404: private, or not upstream (the registry itself says which, to the team's credential);
      // 5xx: the upstream is down with nothing cached, or the cache failed.
      directRepos.add(repository);
      onFallback?.({ repository, reason: `the cache answered ${res.status}` });
      return viaDirect(repository, path, opts);
    },
  };
}
