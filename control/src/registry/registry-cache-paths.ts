// Where a pull-through cache lives under the caches' directory (BERTH_REGISTRY_CACHE_DIR, the same
// setting for web and the worker): `<dir>/<name>/` with its config, storage and unix socket. The
// worker's supervisor makes them; openImageSource reads through the socket.
import { createHash } from "node:crypto";
import { join } from "node:path";
import { canonicalRegistry } from "@berth/core/registry-settings";

/** A directory name for a registry: readable (`docker.io`, `registry.example.com-5000`), short enough for a socket path. */
export function cacheName(registry: string): string {
  const readable = canonicalRegistry(registry)
    .replace(/[^a-z0-9.-]+/g, "-")
    .replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, "");
  if (readable.length <= 40) return readable;
  return `${readable.slice(0, 31)}-${createHash("sha256").update(registry).digest("hex").slice(0, 8)}`;
}

export type CachePaths = { dir: string; config: string; data: string; socket: string; log: string; wanted: string };

export function cachePaths(cacheDir: string, registry: string): CachePaths {
  const dir = join(cacheDir, cacheName(registry));
  return {
    dir,
    config: join(dir, "config.yml"),
    data: join(dir, "data"),
    socket: join(dir, "registry.sock"),
    log: join(dir, "registry.log"),
    wanted: join(dir, "wanted"),
  };
}
