// container.oneoff: run a command to completion in a new container (Berth's defaults, the team
// network, no port, no restart), keeping the last 64 KiB of its output. Past `timeoutS` it is
// killed. The container is always removed afterwards.
import type { ContainerSpec, HostJobResult } from "@berth/core/host-jobs";
import type Docker from "dockerode";
import { createRedactor } from "../logs/redact.ts";
import { createManagedContainer, type HostIdentity } from "./create-container.ts";
import { createDemuxer } from "./demux.ts";
import { pullImage, type RegistryAuth } from "./pull-image.ts";
import { openSecretEnv } from "./secret-env.ts";

const OUTPUT_LIMIT = 64 * 1024;
/** After the container has stopped, how long its attach stream may take to deliver the last bytes. */
const DRAIN_MS = 2_000;
/** How long a killed container may take to be reported stopped. */
const KILL_WAIT_MS = 10_000;

type Tail = { chunks: Buffer[]; bytes: number };

function keep(tail: Tail, chunk: Buffer) {
  tail.chunks.push(chunk);
  tail.bytes += chunk.length;
  // Compact now and then instead of on every chunk.
  if (tail.bytes > 2 * OUTPUT_LIMIT) {
    const last = Buffer.concat(tail.chunks).subarray(-OUTPUT_LIMIT);
    tail.chunks = [last];
    tail.bytes = last.length;
  }
}

const within = <T>(ms: number, p: Promise<T>): Promise<T | "timeout"> => {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), ms);
  });
  return Promise.race([p, limit]).finally(() => clearTimeout(timer));
};

export async function runOneOff(
  docker: Docker,
  opts: { spec: ContainerSpec; host: HostIdentity; timeoutS: number; pull?: RegistryAuth },
): Promise<HostJobResult<"containerOneOff">> {
  const { spec, timeoutS } = opts;
  if (opts.pull) await pullImage(docker, spec.image, opts.pull);
  const started = Date.now();
  const container = await createManagedContainer(docker, { ...spec, port: undefined, restart: "no" }, opts.host);
  try {
    const tail: Tail = { chunks: [], bytes: 0 };
    // Attach before start, so the first bytes are not lost.
    const stream = await container.attach({ stream: true, stdout: true, stderr: true });
    const demux = createDemuxer((f) => keep(tail, f.payload));
    const drained = new Promise<void>((resolve) => {
      stream.on("data", (chunk: Buffer) => demux(chunk));
      stream.on("end", resolve);
      stream.on("close", resolve);
      stream.on("error", () => resolve());
    });
    await container.start();

    let timedOut = false;
    if ((await within(timeoutS * 1000, container.wait())) === "timeout") {
      timedOut = true;
      await container.kill({ signal: "SIGKILL" }).catch((err: { statusCode?: number }) => {
        if (err.statusCode !== 409) throw err; // 409: it stopped by itself meanwhile
      });
      await within(KILL_WAIT_MS, container.wait());
    }
    await within(DRAIN_MS, drained);
    (stream as unknown as { destroy?: () => void }).destroy?.();

    const { State } = await container.inspect();
    // The output goes back through Redis: the app's secret values are replaced, as in its log.
    const redactor = createRedactor(Object.values(openSecretEnv(spec, opts.host.privateKeyPem)));
    const output = redactor.redact(Buffer.concat(tail.chunks).subarray(-OUTPUT_LIMIT).toString("utf8"));
    return {
      // Killed for the time-out: the code (137) is ours, not the command's.
      exitCode: timedOut ? null : State.ExitCode,
      oomKilled: State.OOMKilled === true,
      timedOut,
      output,
      durationMs: Date.now() - started,
    };
  } finally {
    await container.remove({ force: true, v: true }).catch(() => {});
  }
}
