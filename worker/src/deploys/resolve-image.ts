// Turns what a user typed ("acme/web:2", "127.0.0.1:5000/berth/node:20", "…@sha256:…") into a
// reference pinned by digest in Berth's registry. Only Berth's registry is reachable from hosts.

import { DeployError } from "@berth/control/deployments/deploy-error";
import type { RegistryClient } from "@berth/core/registry/registry-client";

export type ResolvedImage = { repo: string; digest: string; imageRef: string };

export function parseImageRef(ref: string, registryPort: number): { repo: string; reference: string } {
  let rest = ref;
  const first = rest.split("/")[0] ?? "";
  if (rest.includes("/") && (first.includes(".") || first.includes(":") || first === "localhost")) {
    const own = [`127.0.0.1:${registryPort}`, `localhost:${registryPort}`];
    if (!own.includes(first)) {
      throw new DeployError(`${ref}: only images in Berth's registry (127.0.0.1:${registryPort}) can be deployed; push it there first`);
    }
    rest = rest.slice(first.length + 1);
  }
  if (!rest.includes("/")) throw new DeployError(`${ref}: name the team too, like <team>/${rest}`);
  const at = rest.indexOf("@");
  if (at >= 0) return { repo: rest.slice(0, at), reference: rest.slice(at + 1) };
  const colon = rest.lastIndexOf(":");
  return colon > rest.lastIndexOf("/") ? { repo: rest.slice(0, colon), reference: rest.slice(colon + 1) } : { repo: rest, reference: "latest" };
}

export async function resolveImage(registry: RegistryClient, ref: string, registryPort: number): Promise<ResolvedImage> {
  const { repo, reference } = parseImageRef(ref, registryPort);
  const manifest = await registry.getManifest(repo, reference);
  if (!manifest) throw new DeployError(`image ${repo}:${reference} is not in Berth's registry (push it, or check the tag)`);
  return { repo, digest: manifest.digest, imageRef: `127.0.0.1:${registryPort}/${repo}@${manifest.digest}` };
}
