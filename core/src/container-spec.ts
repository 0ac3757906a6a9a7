// The container spec of an app's release: one definition for the worker's replicas and web's
// one-off commands. Secrets are opened here, at the last moment, and travel only in the host job.
import { type ReleaseConfig, volumeName } from "./apps.ts";
import type { ContainerSpec } from "./host-jobs.ts";
import { open } from "./secret-box.ts";

export type ReleaseForSpec = { version: number; imageRef: string; config: ReleaseConfig };

export function releaseSpec(input: {
  name: string;
  team: string;
  app: string;
  appId: string;
  release: ReleaseForSpec;
  encryptionKey: string;
  /** One-off commands: another command, no port, no restart. */
  oneOff?: { cmd: string[] };
}): ContainerSpec {
  const { config } = input.release;
  const env: Record<string, string> = {};
  for (const v of config.env) env[v.key] = v.secret ? open(input.encryptionKey, v.value) : v.value;
  env.PORT = String(config.app.port);
  env.BERTH_APP = input.app;
  env.BERTH_TEAM = input.team;
  env.BERTH_RELEASE = String(input.release.version);
  const cmd = input.oneOff?.cmd ?? config.app.cmd;
  return {
    name: input.name,
    image: input.release.imageRef,
    ...(cmd ? { cmd } : {}),
    env,
    labels: {
      team: input.team,
      app: input.app,
      appId: input.appId,
      release: String(input.release.version),
      secretKeys: config.env.filter((v) => v.secret).map((v) => v.key),
    },
    ...(input.oneOff ? {} : { port: config.app.port }),
    limits: {
      memoryBytes: config.app.memoryMb * 1024 * 1024,
      nanoCpus: Math.round(config.app.cpus * 1e9),
      pids: 512,
    },
    restart: input.oneOff ? "no" : "unless-stopped",
    volumes: config.app.volumes.map((v) => ({ name: volumeName(input.team, input.app, v.name), target: v.target })),
    binds: config.app.binds,
  };
}
