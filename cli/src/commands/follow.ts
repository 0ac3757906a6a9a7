// Following a deployment: its log lines as they come (polled every 500 ms), until it finishes.
// Exits 0 when it went live, 1 otherwise; Ctrl-C stops following, not the deployment.
import { type DeploymentState, isFinished, type Reply } from "@berth/core";
import type { ApiClient } from "../api-client.ts";
import type { Context } from "../command.ts";
import { CliError, EXIT } from "../errors.ts";
import { sanitize } from "../output.ts";
import type { AppRef } from "./app-ref.ts";

const POLL_MS = 500;
/** Longer than any build or deploy Berth runs; a bound, not an expectation. */
const MAX_FOLLOW_MS = 6 * 60 * 60_000;
/** Consecutive failed polls (web restarting, network blip) before giving up. */
const MAX_FAILURES = 20;

type Deployment = Reply<"getDeployment">;

export async function follow(
  ctx: Context,
  api: ApiClient,
  ref: AppRef,
  deployment: Deployment,
  opts: { sleep?: (ms: number) => Promise<void> } = {},
): Promise<void> {
  let wake = () => {};
  const sleep =
    opts.sleep ??
    ((ms: number) =>
      new Promise<void>((resolve) => {
        const t = setTimeout(resolve, ms);
        wake = () => {
          clearTimeout(t);
          resolve();
        };
      }));
  const cancelHint = `berth cancel ${ref.team}/${ref.app} ${deployment.id}`;
  let interrupted = false;
  const stopListening = ctx.onInterrupt(() => {
    interrupted = true;
    wake();
  });
  try {
    let after: string | undefined;
    let status: DeploymentState = deployment.status;
    let failures = 0;
    const end = Date.now() + MAX_FOLLOW_MS;
    while (!interrupted && Date.now() < end) {
      try {
        const { data } = await api.call("getDeploymentLog", { params: { ...ref, id: deployment.id }, query: { after, limit: 1000 } });
        failures = 0;
        for (const line of data.lines) ctx.out.line(sanitize(line.text));
        after = data.lines.at(-1)?.id ?? after;
        status = data.status;
        // A finished deployment may still have lines in flight only if this page was full.
        if (isFinished(status) && data.lines.length < 1000) break;
        if (data.lines.length >= 1000) continue;
      } catch (err) {
        if (err instanceof CliError && err.exitCode !== EXIT.failure) throw err;
        if (++failures >= MAX_FAILURES) throw err;
      }
      await sleep(POLL_MS);
    }
    if (interrupted) {
      ctx.out.note(`the deployment goes on; cancel with ${cancelHint}`);
      throw new CliError("", { exitCode: EXIT.interrupted });
    }
    if (!isFinished(status)) throw new CliError(`stopped following after ${MAX_FOLLOW_MS / 3_600_000} hours; the deployment goes on (${cancelHint})`);
    const { data: final } = await api.call("getDeployment", { params: { ...ref, id: deployment.id } });
    if (final.status === "live") {
      ctx.out.line(`Deployment ${deployment.id} is live${final.releaseVersion ? ` (release v${final.releaseVersion})` : ""}.`);
      return;
    }
    throw new CliError(`deployment ${deployment.id} ended ${final.status}${final.reason ? `: ${final.reason}` : ""}`);
  } finally {
    stopListening();
  }
}
