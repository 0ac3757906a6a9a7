// One pull-through cache's configuration for Debian's docker-registry (distribution 2.8): proxy mode
// for one upstream (it accepts no pushes and drops content unused for 7 days: distribution's fixed
// TTL), anonymous towards the upstream (only public images enter it), listening on a unix socket
// only, so nothing but Berth's processes on this machine reaches it (not tenant containers).
import type { CachePaths } from "@berth/control/registry/registry-cache-paths";

export function cacheConfig(paths: CachePaths, upstream: string): string {
  const config = {
    version: 0.1,
    log: { level: "info", formatter: "json" },
    storage: { filesystem: { rootdirectory: paths.data }, cache: { blobdescriptor: "inmemory" } },
    http: { net: "unix", addr: paths.socket },
    proxy: { remoteurl: upstream },
  };
  // JSON is YAML.
  return `${JSON.stringify(config, null, 2)}\n`;
}

/** The upstream a written configuration names (to tell whether the cached content belongs to another upstream). */
export function configuredUpstream(text: string | undefined): string | undefined {
  if (!text) return undefined;
  try {
    return (JSON.parse(text) as { proxy?: { remoteurl?: string } }).proxy?.remoteurl;
  } catch {
    return undefined;
  }
}
