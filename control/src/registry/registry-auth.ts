// Short-lived registry credentials for one repository, handed to a host's engine in a job.
import { internalRegistryToken } from "@berth/core/registry/registry-client";
import type { TokenKeys } from "@berth/core/registry/token-keys";

export function registryAuth(
  keys: TokenKeys,
  opts: { port: number; service: string },
  repo: string,
  actions: ("pull" | "push")[],
): { serveraddress: string; registrytoken: string } {
  return {
    serveraddress: `127.0.0.1:${opts.port}`,
    registrytoken: internalRegistryToken(keys, opts.service, [{ type: "repository", name: repo, actions }]),
  };
}
