// One handler per job definition in @berth/core's JOBS. Adding a job there without a
// handler here is a type error.
import { JOBS, type JobPayload } from "@berth/core";
import { buildRun } from "../builds/run-build.ts";
import { deployReap } from "../deploys/reap-deployments.ts";
import { routesSync } from "../deploys/refresh-routes.ts";
import { deployRun } from "../deploys/run-deploy.ts";
import { appTeardown } from "./app-teardown.ts";
import { containerEvent } from "./container-event.ts";
import type { JobContext } from "./context.ts";
import { hostDrain } from "./host-drain.ts";
import { hostHeartbeat } from "./host-heartbeat.ts";
import { hostInventory } from "./host-inventory.ts";
import { registryEvent } from "./registry-events.ts";
import { registryGc } from "./registry-gc.ts";
import { registryReconcile } from "./registry-reconcile.ts";
import { webhookDeliver } from "./webhook-deliver.ts";

type Catalog = { [K in keyof typeof JOBS]: (payload: JobPayload<K>, ctx: JobContext) => Promise<void> };

export const catalog: Catalog = {
  hostHeartbeat,
  registryEvent,
  registryReconcile,
  registryGc,
  webhookDeliver,
  hostInventory,
  containerEvent,
  deployRun,
  deployReap,
  hostDrain,
  appTeardown,
  routesSync,
  buildRun,
};

/** Job name -> definition key, for dispatch. */
export const byName = new Map<string, keyof typeof JOBS>(Object.entries(JOBS).map(([key, def]) => [def.name, key as keyof typeof JOBS]));
