// Registry credentials for a runtime-host acting for a caller: a registry JWT minted by web's
// own token server (same grants, same write freeze during garbage collection) for exactly one
// repository, handed to the engine as Docker's RegistryToken.
import { AppError } from "@berth/core";
import { READONLY_KEY } from "@berth/core/registry/grant";
import type { AppDeps } from "../apps/app-deps.ts";
import type { Caller } from "../auth/caller.ts";
import { issueRegistryToken } from "../registry/issue-token.ts";

export async function registryCredentials(
  deps: Pick<AppDeps, "db" | "redis" | "registry" | "registryKeys" | "settings">,
  caller: Caller,
  repository: string,
  actions: ("pull" | "push")[],
): Promise<{ serveraddress: string; registrytoken: string }> {
  const issued = await issueRegistryToken(deps, deps.registryKeys(), {
    service: deps.settings.registryService,
    who: { userId: caller.user.id, username: caller.user.username, role: caller.user.role, scopes: caller.scopes },
    scopes: [`repository:${repository}:${actions.join(",")}`],
  });
  const granted = new Set(issued.grants.flatMap((g) => g.actions));
  const missing = actions.filter((a) => !granted.has(a));
  if (missing.length > 0) {
    if (missing.includes("push") && (await deps.redis.exists(READONLY_KEY))) {
      throw new AppError("UNAVAILABLE", "the registry is read-only while garbage collection runs; try again in a few minutes");
    }
    throw new AppError("FORBIDDEN", `you may not ${missing.join(" or ")} ${repository}`);
  }
  return { serveraddress: `127.0.0.1:${deps.settings.registryPort}`, registrytoken: issued.token };
}
