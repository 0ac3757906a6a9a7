// container.probe with the image's own HEALTHCHECK: the Engine runs the check inside the container
// and reports State.Health; the replica is ready at `healthy` and has failed at `unhealthy` (the
// check's last output, redacted like the container's log, says why) or when it exits. Bounded by
// the deadline the worker computed from the check's interval, retries and start period.

import { setTimeout as sleep } from "node:timers/promises";
import type { HostJobResult } from "@berth/core/host-jobs";
import { LABELS } from "@berth/core/host-jobs";
import type Docker from "dockerode";
import { createRedactor, secretValues } from "../logs/redact.ts";
import { inspectManaged } from "./managed-container.ts";
import { tailLogs } from "./tail-logs.ts";

type ProbeResult = HostJobResult<"containerProbe">;

const POLL_MS = 500;
const LOG_LINES = 30;
const OUTPUT_MAX = 2000;

export async function waitEngineHealth(docker: Docker, name: string, deadlineMs: number): Promise<ProbeResult> {
  const until = Date.now() + deadlineMs;
  let polls = 0;
  let detail = "the image's HEALTHCHECK has not run yet";
  const maxPolls = Math.ceil(deadlineMs / POLL_MS) + 1;
  for (; polls < maxPolls && Date.now() <= until; polls++) {
    if (polls > 0) await sleep(POLL_MS);
    const info = await inspectManaged(docker, name);
    const state = info.State;
    if (state.Status === "exited" || state.Status === "dead" || state.Restarting) {
      const oomKilled = state.OOMKilled === true;
      detail = oomKilled ? "container was OOM-killed" : `container exited with code ${state.ExitCode}`;
      return { ok: false, attempts: polls + 1, detail, exited: true, exitCode: state.ExitCode, oomKilled, logs: await tailLogs(docker, name, LOG_LINES) };
    }
    const health = (state as { Health?: { Status?: string; FailingStreak?: number; Log?: { ExitCode?: number; Output?: string }[] } }).Health;
    if (!health) {
      // The image's HEALTHCHECK is gone (a container made without it): nothing will ever say healthy.
      return {
        ok: false,
        attempts: polls + 1,
        detail: "the container has no HEALTHCHECK to wait for",
        exited: false,
        exitCode: null,
        oomKilled: false,
        logs: [],
      };
    }
    const last = health.Log?.at(-1);
    const { redact } = createRedactor(secretValues(info.Config.Env, info.Config.Labels?.[LABELS.secretKeys]));
    const output = last ? redact(String(last.Output ?? "").trim()).slice(-OUTPUT_MAX) : "";
    if (health.Status === "healthy")
      return { ok: true, attempts: health.Log?.length ?? 1, detail: "the Engine reports healthy", exited: false, exitCode: null, oomKilled: false, logs: [] };
    if (health.Status === "unhealthy") {
      detail = `the image's HEALTHCHECK reports unhealthy after ${health.FailingStreak ?? "several"} failed check(s) (last exit code ${last?.ExitCode ?? "?"}): ${output || "no output"}`;
      return {
        ok: false,
        attempts: health.Log?.length ?? 0,
        detail,
        exited: false,
        exitCode: null,
        oomKilled: false,
        logs: await tailLogs(docker, name, LOG_LINES),
      };
    }
    if (last) detail = `still ${health.Status ?? "starting"}; last check exited ${last.ExitCode ?? "?"}: ${output || "no output"}`;
  }
  detail = `not healthy within ${Math.round(deadlineMs / 1000)} s (${detail})`;
  return { ok: false, attempts: polls, detail, exited: false, exitCode: null, oomKilled: false, logs: await tailLogs(docker, name, LOG_LINES) };
}
