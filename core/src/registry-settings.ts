// The instance's registry settings as values: which registries images may come from (the rule and
// its list) and the pull-through caches. Validated here (web's admin API, the dashboard) and read
// by control (registry/registry-rule.ts, registry/image-source.ts) and the worker's cache supervisor.
import { z } from "zod";

export const REGISTRY_RULES = ["any", "listed", "berth"] as const;
export type RegistryRule = (typeof REGISTRY_RULES)[number];

/** Docker Hub's names as references and clients write them: all one registry. */
const DOCKER_HUB_ALIASES = new Set(["docker.io", "index.docker.io", "registry-1.docker.io"]);

/** `host[:port]` lowercased, Docker Hub under one name (`docker.io`), so a rule or a cache matches whichever alias a reference used. */
export function canonicalRegistry(registry: string): string {
  const r = registry.trim().toLowerCase();
  return DOCKER_HUB_ALIASES.has(r) ? "docker.io" : r;
}

const HOST_PORT = /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*|\[[0-9a-f:.]+\])(?::\d{1,5})?$/;

export const registryHostEntry = z
  .string()
  .max(260)
  .transform((s) => s.trim().toLowerCase())
  .refine((s) => HOST_PORT.test(s) && Number(s.match(/:(\d+)$/)?.[1] ?? 1) <= 65_535, {
    message: "expected a registry as written in image references: host[:port] (ghcr.io, registry.example.com:5000)",
  })
  .transform(canonicalRegistry);

/** A cache's upstream: the registry's API root, `https://registry-1.docker.io` (http only for an address an admin allowed). */
export const registryUpstream = z
  .string()
  .max(500)
  .transform((s) => s.trim().replace(/\/+$/, ""))
  .refine(
    (s) => {
      if (!URL.canParse(s)) return false;
      const u = new URL(s);
      return (
        (u.protocol === "https:" || u.protocol === "http:") && !u.username && !u.password && !u.search && !u.hash && (u.pathname === "/" || u.pathname === "")
      );
    },
    { message: "expected the registry's address: https://host[:port], with no path, query or login" },
  );

export const registryCache = z.object({ registry: registryHostEntry, upstream: registryUpstream });
export type RegistryCache = z.infer<typeof registryCache>;

export const registryCaches = z
  .array(registryCache)
  .max(20)
  .refine((list) => new Set(list.map((c) => c.registry)).size === list.length, { message: "one cache per registry" });

export const DEFAULT_REGISTRY_CACHES: RegistryCache[] = [{ registry: "docker.io", upstream: "https://registry-1.docker.io" }];
