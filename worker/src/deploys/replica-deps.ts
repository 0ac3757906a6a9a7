// What control's replica functions need from the worker: its database, bus, host caller, the key
// that opens secrets at rest, and pull credentials minted for exactly one repository.
import { registryAuth, repoOf } from "@berth/control/registry/registry-auth";
import type { ReplicaDeps } from "@berth/control/replicas/start-replica";
import type { JobContext } from "../jobs/context.ts";

export const replicaDeps = (ctx: JobContext): ReplicaDeps => ({
  db: ctx.db,
  publisher: ctx.publisher,
  hosts: ctx.hosts,
  encryptionKey: ctx.config.BERTH_ENCRYPTION_KEY,
  pullAuth: (imageRef) =>
    registryAuth(ctx.tokenKeys(), { port: ctx.config.BERTH_REGISTRY_PORT, service: ctx.config.BERTH_REGISTRY_SERVICE }, repoOf(imageRef), ["pull"]),
});
