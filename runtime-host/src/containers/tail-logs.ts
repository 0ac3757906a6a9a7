// The last lines a container wrote (stdout and stderr interleaved), from the engine's log store,
// with the app's secret values replaced (they leave the host in a job result).

import { LABELS } from "@berth/core/host-jobs";
import type Docker from "dockerode";
import { createRedactor, secretValues } from "../logs/redact.ts";
import { demuxBuffer } from "./demux.ts";

export async function tailLogs(docker: Docker, name: string, lines: number): Promise<string[]> {
  const container = docker.getContainer(name);
  const [raw, info] = await Promise.all([container.logs({ stdout: true, stderr: true, tail: lines, follow: false }), container.inspect()]);
  // A TTY container's log is not multiplexed; Berth never asks for one, but stay correct.
  const text = (info.Config.Tty ? raw : demuxBuffer(raw)).toString("utf8");
  const { redact } = createRedactor(secretValues(info.Config.Env, info.Config.Labels?.[LABELS.secretKeys]));
  const out = redact(text)
    .split("\n")
    .map((l) => l.replace(/\r$/, ""));
  if (out.at(-1) === "") out.pop();
  return out.slice(-lines);
}
