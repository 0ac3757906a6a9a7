// The container spec of an app's release: one definition for the worker's replicas and web's
// one-off commands. Secrets are opened from their seal at rest only here, at the last moment,
// and sealed at once to the one host that will run the container (core/src/host-seal.ts): they
// cross Redis only as ciphertext for that host.
import { AppError } from "@berth/core";
import { legacyVolumeName, type ReleaseConfig } from "@berth/core/apps";
import type { ContainerSpec } from "@berth/core/host-jobs";
import { sealToHost } from "@berth/core/host-seal";
import { open } from "@berth/core/secret-box";

export type ReleaseForSpec = { version: number; imageRef: string; config: ReleaseConfig };
/** The host the container will run on: its id (for messages) and the public key its heartbeat reported. */
export type SpecHost = { id: string; sealKey: string | null };

export function releaseSpec(input: {
  name: string;
  team: string;
  teamId: string;
  app: string;
  appId: string;
  release: ReleaseForSpec;
  encryptionKey: string;
  host: SpecHost;
  /** The app's volumes whose legacy name another app's could have had (shared-legacy-volumes.ts). */
  sharedLegacy?: ReadonlySet<string>;
  /** One-off commands: another command, no port, no restart. */
  oneOff?: { cmd: string[] };
}): ContainerSpec {
  const { config } = input.release;
  const env: Record<string, string> = {};
  const secrets: Record<string, string> = {};
  for (const v of config.env) {
    if (v.secret) secrets[v.key] = open(input.encryptionKey, v.value);
    else env[v.key] = v.value;
  }
  env.PORT = String(config.app.port);
  env.BERTH_APP = input.app;
  env.BERTH_TEAM = input.team;
  env.BERTH_RELEASE = String(input.release.version);
  const secretKeys = Object.keys(secrets);
  let sealedEnv: string | undefined;
  if (secretKeys.length > 0) {
    if (!input.host.sealKey) {
      throw new AppError(
        "UNAVAILABLE",
        `host ${input.host.id} has not reported a key to seal secrets to (is its runtime-host up to date?); the app's secrets are not sent to it`,
      );
    }
    sealedEnv = sealToHost(input.host.sealKey, JSON.stringify(secrets));
  }
  const cmd = input.oneOff?.cmd ?? config.app.cmd;
  return {
    name: input.name,
    image: input.release.imageRef,
    ...(cmd ? { cmd } : {}),
    env,
    ...(sealedEnv ? { sealedEnv } : {}),
    labels: { team: input.team, teamId: input.teamId, app: input.app, appId: input.appId, release: String(input.release.version), secretKeys },
    ...(input.oneOff ? {} : { port: config.app.port }),
    limits: {
      memoryBytes: config.app.memoryMb * 1024 * 1024,
      nanoCpus: Math.round(config.app.cpus * 1e9),
      pids: 512,
    },
    restart: input.oneOff ? "no" : "unless-stopped",
    // The host names each volume from the app's id; the legacy name lets it move an older Berth's data over.
    volumes: config.app.volumes.map((v) => ({
      name: v.name,
      target: v.target,
      legacyName: legacyVolumeName(input.team, input.app, v.name),
      ...(input.sharedLegacy?.has(v.name) ? { legacyShared: true } : {}),
    })),
    binds: config.app.binds,
  };
}
