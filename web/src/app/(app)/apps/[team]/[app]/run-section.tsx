"use client";
import { type FormEvent, useState } from "react";
import { card, ErrorNote, inputClass, primaryButton } from "@/components/ui";
import { api, describeError } from "@/lib/api-client";
import { splitArgs } from "@/lib/split-args";
import type { SectionProps } from "./app-view";

type Result = { exitCode: number | null; oomKilled: boolean; timedOut: boolean; output: string; durationMs: number };

export function RunSection({ app, can }: SectionProps) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [result, setResult] = useState<Result>();

  async function run(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const split = splitArgs(String(form.get("cmd") ?? ""));
    if ("error" in split) return setError(split.error);
    if (split.args.length === 0) return setError("Type a command to run.");
    setBusy(true);
    setError(undefined);
    setResult(undefined);
    try {
      setResult(
        await api("runCommand", { params: { team: app.team, app: app.name }, body: { cmd: split.args, timeoutS: Number(form.get("timeoutS") ?? 60) } }),
      );
    } catch (err) {
      setError(describeError(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section aria-labelledby="run" className="space-y-4">
      <div>
        <h2 id="run" className="text-lg font-semibold">
          Run a command
        </h2>
        <p className="text-sm text-slate-500">
          Runs once in a new container of the live release, with the same environment and limits (a migration, a shell one-liner). No shell is involved unless
          you start one, e.g. <span className="font-mono">sh -c 'ls /data | wc -l'</span>.
        </p>
      </div>
      {!can("containers.exec") ? (
        <p className="text-sm text-slate-500">Your role in {app.team} cannot run commands; developers and above can.</p>
      ) : !app.liveRelease ? (
        <p className="rounded-xl border border-dashed border-slate-300 p-5 text-sm text-slate-500">Deploy the app first: commands run in its live release.</p>
      ) : (
        <form onSubmit={run} className={`space-y-3 p-5 ${card}`} aria-label="Run a command">
          <div className="flex flex-wrap items-end gap-2">
            <label className="block min-w-64 flex-1">
              <span className="text-sm font-medium text-slate-700">Command</span>
              <input name="cmd" required autoComplete="off" placeholder="env" className={`${inputClass} font-mono`} />
            </label>
            <label className="block w-28">
              <span className="text-sm font-medium text-slate-700">Timeout (s)</span>
              <input name="timeoutS" type="number" min={1} max={600} defaultValue={60} className={`${inputClass} tabular-nums`} />
            </label>
            <button type="submit" disabled={busy} className={primaryButton}>
              {busy ? "Running…" : "Run"}
            </button>
          </div>
        </form>
      )}
      {error && <ErrorNote testId="run-error">{error}</ErrorNote>}
      {result && (
        <div className="space-y-2" data-testid="run-result">
          <p className="flex flex-wrap gap-4 text-sm">
            <span>
              Exit code:{" "}
              <span className={`font-mono font-medium ${result.exitCode === 0 ? "text-emerald-700" : "text-red-700"}`} data-testid="run-exit-code">
                {result.exitCode ?? "none"}
              </span>
            </span>
            {result.oomKilled && (
              <span className="font-medium text-red-700" data-testid="run-oom">
                Killed: out of memory
              </span>
            )}
            {result.timedOut && (
              <span className="font-medium text-red-700" data-testid="run-timed-out">
                Stopped: timed out
              </span>
            )}
            <span className="text-slate-500">{(result.durationMs / 1000).toFixed(1)} s</span>
          </p>
          <pre
            className="max-h-[32rem] overflow-auto whitespace-pre-wrap break-all rounded-lg bg-slate-900 p-4 font-mono text-xs text-slate-100"
            data-testid="run-output"
          >
            {result.output || "(no output)"}
          </pre>
        </div>
      )}
    </section>
  );
}
