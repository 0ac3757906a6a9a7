// container.probe: health-check a container from its host through the port it publishes on the
// host's publish address (HTTP: status < 400; TCP: a connection that stays open). Before each attempt the
// container is inspected: once it has exited (or is crash-looping) there is nothing to wait for.
// Bounded by attempts × (intervalMs + timeoutS). `engine`: the image's own HEALTHCHECK, as the Engine
// reports it (wait-engine-health.ts).

import { setTimeout as sleep } from "node:timers/promises";
import type { HostJobPayload, HostJobResult } from "@berth/core/host-jobs";
import type Docker from "dockerode";
import { inspectManaged } from "./managed-container.ts";
import { probeHttp, probeTcp } from "./probe-connection.ts";
import { publishedPort } from "./published-port.ts";
import { tailLogs } from "./tail-logs.ts";
import { waitEngineHealth } from "./wait-engine-health.ts";

type Check = HostJobPayload<"containerProbe">["check"];
type ProbeResult = HostJobResult<"containerProbe">;

const LOG_LINES = 30;

export async function probeContainer(docker: Docker, name: string, check: Check, address: string): Promise<ProbeResult> {
  if (check.type === "engine") return waitEngineHealth(docker, name, check.deadlineMs);
  let detail = "not tried";
  for (let attempt = 1; attempt <= check.attempts; attempt++) {
    if (attempt > 1) await sleep(check.intervalMs);
    const info = await inspectManaged(docker, name);
    const state = info.State;
    // A container with a restart policy that keeps crashing sits in "restarting", not "exited".
    if (state.Status === "exited" || state.Status === "dead" || state.Restarting) {
      const oomKilled = state.OOMKilled === true;
      detail = oomKilled ? "container was OOM-killed" : `container exited with code ${state.ExitCode}`;
      return { ok: false, attempts: attempt, detail, exited: true, exitCode: state.ExitCode, oomKilled, logs: await tailLogs(docker, name, LOG_LINES) };
    }
    const port = publishedPort(info.NetworkSettings.Ports);
    if (port === null) {
      detail = state.Running ? `container publishes no port on ${address}` : `container is ${state.Status}, not running`;
      continue;
    }
    const outcome = check.type === "http" ? await probeHttp(address, port, check.path, check.timeoutS) : await probeTcp(address, port, check.timeoutS);
    detail = outcome.detail;
    if (outcome.ok) return { ok: true, attempts: attempt, detail, exited: false, exitCode: null, oomKilled: false, logs: [] };
  }
  return { ok: false, attempts: check.attempts, detail, exited: false, exitCode: null, oomKilled: false, logs: await tailLogs(docker, name, LOG_LINES) };
}
