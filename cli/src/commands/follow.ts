// Following a deployment: its log lines as the server streams them (followDeployment, NDJSON), until
// the record with its outcome. Exits 0 when it went live, 1 otherwise; Ctrl-C stops following, not the
// deployment. A dropped stream (web restarting, network blip) is opened again from the last line seen.
import { type DeploymentEnd, type Reply, wentLive } from "@berth/core";
import type { ApiClient } from "../api-client.ts";
import type { Context } from "../command.ts";
import { CliError, EXIT } from "../errors.ts";
import { sanitize } from "../output.ts";
import type { AppRef } from "./app-ref.ts";

/** Longer than any build or deploy Berth runs; a bound, not an expectation. */
const MAX_FOLLOW_MS = 6 * 60 * 60_000;
/** Consecutive failed connections before giving up, and the pause before the next one. */
const MAX_FAILURES = 20;
const RETRY_MS = 1_000;

type Deployment = Reply<"getDeployment">;

export async function follow(ctx: Context, api: ApiClient, ref: AppRef, deployment: Deployment, opts: { retryMs?: number } = {}): Promise<void> {
  const cancelHint = `berth cancel ${ref.team}/${ref.app} ${deployment.id}`;
  const interrupt = new AbortController();
  const stopListening = ctx.onInterrupt(() => interrupt.abort());
  const signal = AbortSignal.any([interrupt.signal, AbortSignal.timeout(MAX_FOLLOW_MS)]);
  try {
    let after: string | undefined;
    let end: DeploymentEnd | undefined;
    let failures = 0;
    while (!end && !signal.aborted) {
      try {
        for await (const record of api.stream("followDeployment", { params: { ...ref, id: deployment.id }, query: { after }, signal })) {
          failures = 0;
          if ("end" in record) {
            end = record.end;
            break;
          }
          ctx.out.line(sanitize(record.line.text));
          after = record.line.id;
        }
        // Closed without an outcome: the server stopped (or bounded) this stream; open it again.
        if (!end) throw new CliError("the log stream closed before the deployment finished");
      } catch (err) {
        if (signal.aborted) break;
        if (err instanceof CliError && err.exitCode !== EXIT.failure) throw err;
        if (++failures >= MAX_FAILURES) throw err;
        await pause(opts.retryMs ?? RETRY_MS, signal);
      }
    }
    if (interrupt.signal.aborted) {
      ctx.out.note(`the deployment goes on; cancel with ${cancelHint}`);
      throw new CliError("", { exitCode: EXIT.interrupted });
    }
    if (!end) throw new CliError(`stopped following after ${MAX_FOLLOW_MS / 3_600_000} hours; the deployment goes on (${cancelHint})`);
    const release = end.releaseVersion ? ` (release v${end.releaseVersion})` : "";
    if (end.status === "live") return ctx.out.line(`Deployment ${deployment.id} is live${release}.`);
    if (wentLive(end.status)) return ctx.out.line(`Deployment ${deployment.id} went live${release}; a newer deployment has replaced it since.`);
    throw new CliError(`deployment ${deployment.id} ended ${end.status}${end.reason ? `: ${end.reason}` : ""}`);
  } finally {
    stopListening();
  }
}

/** Waits, or less when the signal aborts. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
  });
}
