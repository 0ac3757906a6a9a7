// Names of every BullMQ queue. Producers and consumers import these; no queue name is typed twice.
// (BullMQ forbids ":" in queue names.)
export const QUEUE_PREFIX = "berth";

export const QUEUES = {
  /** runtime-host -> worker: registration, heartbeats, container events. */
  control: "control",
  /** web/git -> worker: image builds. */
  builds: "builds",
  /** web -> worker: registry notifications; worker's own schedule: reconciliation. */
  registry: "registry",
  /** worker -> worker: outbound webhook deliveries. */
  webhooks: "webhooks",
  /** web -> worker: deploy orchestration, serialised per app. */
  deploys: "deploys",
} as const;

/** worker -> one runtime-host: container work that must run on that host. */
export const hostQueue = (hostId: string) => `host.${hostId}`;
