// A spec's secret env, opened with this host's private key at the moment the container is made.
import { AppError } from "@berth/core";
import type { ContainerSpec } from "@berth/core/host-jobs";
import { openFromHost } from "@berth/core/host-seal";
import { z } from "zod";

const envMap = z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/), z.string());

export function openSecretEnv(spec: ContainerSpec, privateKeyPem: string): Record<string, string> {
  if (!spec.sealedEnv) return {};
  let json: string;
  try {
    json = openFromHost(privateKeyPem, spec.sealedEnv);
  } catch {
    // The host made a new key since the control plane last heard of it: the next heartbeat tells it.
    throw new AppError("CONFLICT", "the container's secrets were sealed to another key of this host; deploy again in a few seconds");
  }
  return envMap.parse(JSON.parse(json));
}
