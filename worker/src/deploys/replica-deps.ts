// What control's replica functions need from the worker: its database, bus, host caller, the key
// that opens secrets at rest, and pull credentials minted for exactly one repository.
import { registryAuth } from "@berth/control/registry/registry-auth";
import type { ReplicaDeps } from "@berth/control/replicas/start-replica";
import { berthRegistryAliases, berthRepositoryOf } from "@berth/core/image-ref";
import type { JobContext } from "../jobs/context.ts";

export const replicaDeps = (ctx: JobContext): ReplicaDeps => ({
  db: ctx.db,
  publisher: ctx.publisher,
  hosts: ctx.hosts,
  encryptionKey: ctx.config.BERTH_ENCRYPTION_KEY,
  pullAuth: (imageRef) => {
    // Releases are only ever made of images in Berth's registry, under its stored name (an image
    // from another registry is copied there at deploy: resolve-image.ts).
    const repo = berthRepositoryOf(imageRef, berthRegistryAliases(ctx.config.BERTH_REGISTRY_PORT));
    if (repo === undefined) throw new Error(`${imageRef} is not an image in Berth's registry`);
    return registryAuth(ctx.tokenKeys(), { port: ctx.config.BERTH_REGISTRY_PORT, service: ctx.config.BERTH_REGISTRY_SERVICE }, repo, ["pull"]);
  },
});
