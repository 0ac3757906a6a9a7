"use client";
import { crashSummary } from "@berth/core/container-exit";
import Link from "next/link";
import { type FormEvent, useState } from "react";
import { ConfirmButton } from "@/components/confirm-button";
import { ErrorNote, inputClass, primaryButton, secondaryButton, TableFrame, theadClass, When } from "@/components/ui";
import { api, describeError } from "@/lib/api-client";
import { useApi } from "@/lib/use-api";
import { useRetry } from "@/lib/use-retry";
import { appHref, type Container, ContainerState } from "../../parts";
import type { SectionProps } from "./app-view";

type Action = "start" | "stop" | "restart" | "kill" | "remove";

export function ContainersSection({ app, tick, onChanged, can, isAdmin }: SectionProps) {
  const list = useApi(() => api("listContainers", { params: { team: app.team }, query: { app: app.name } }), `containers:${app.team}/${app.name}:${tick}`);
  useRetry(list);
  const [error, setError] = useState<string>();
  const [committing, setCommitting] = useState<string>();
  const canAct = can("apps.deploy");
  // No timer: `tick` moves on every container.updated / deployment.updated event and on a socket reconnect (app-view).
  const canCommit = can("images.push");

  async function act(c: Container, action: Action) {
    setError(undefined);
    try {
      await api("containerAction", { params: { team: app.team, id: c.id }, body: { action } });
    } catch (err) {
      setError(describeError(err));
    }
    await list.reload();
    if (action === "remove") await onChanged();
  }

  return (
    <section aria-labelledby="containers" className="space-y-3">
      <div>
        <h2 id="containers" className="text-lg font-semibold">
          Containers
        </h2>
        <p className="text-sm text-slate-500">The app's containers on every host, updated as they change.</p>
      </div>
      {error && <ErrorNote testId="container-error">{error}</ErrorNote>}
      {list.error && <ErrorNote>{describeError(list.error)}</ErrorNote>}
      {!list.data && !list.error && <p className="text-sm text-slate-500">Loading…</p>}
      {list.data?.containers.length === 0 && <p className="rounded-xl border border-dashed border-slate-300 p-5 text-sm text-slate-500">No containers.</p>}
      {list.data && list.data.containers.length > 0 && (
        <TableFrame testId="containers-table">
          <thead className={theadClass}>
            <tr>
              <th className="px-4 py-3">Container</th>
              <th className="px-4 py-3">Host</th>
              <th className="px-4 py-3">State</th>
              <th className="px-4 py-3">Port</th>
              <th className="px-4 py-3">Release</th>
              <th className="px-4 py-3">Changed</th>
              {(canAct || canCommit) && (
                <th className="px-4 py-3">
                  <span className="sr-only">Actions</span>
                </th>
              )}
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {list.data.containers.map((c) => (
              <ContainerRow
                key={c.id}
                c={c}
                hostLink={isAdmin}
                canAct={canAct}
                canCommit={canCommit}
                canExec={can("containers.exec")}
                committing={committing === c.id}
                onCommitToggle={() => setCommitting(committing === c.id ? undefined : c.id)}
                onAction={(a) => act(c, a)}
                team={app.team}
              />
            ))}
          </tbody>
        </TableFrame>
      )}
    </section>
  );
}

type RowProps = {
  c: Container;
  team: string;
  hostLink: boolean;
  canAct: boolean;
  canCommit: boolean;
  canExec: boolean;
  committing: boolean;
  onCommitToggle: () => void;
  onAction: (a: Action) => Promise<void>;
};

function ContainerRow({ c, team, hostLink, canAct, canCommit, canExec, committing, onCommitToggle, onAction }: RowProps) {
  const [busy, setBusy] = useState(false);
  const running = c.state === "running" || c.state === "restarting";
  const run = async (a: Action) => {
    setBusy(true);
    try {
      await onAction(a);
    } finally {
      setBusy(false);
    }
  };
  const verb = (a: Exclude<Action, "remove">, label: string) => (
    <button type="button" className={secondaryButton} disabled={busy} onClick={() => run(a)} aria-label={`${label} ${c.name}`}>
      {label}
    </button>
  );
  return (
    <>
      <tr data-testid="container-row" data-container-id={c.id} data-state={c.state}>
        <td className="px-4 py-3">
          <div className="font-mono text-xs font-medium">{c.name}</div>
          <div className="max-w-xs truncate font-mono text-xs text-slate-500" title={c.image}>
            {c.image}
          </div>
        </td>
        <td className="px-4 py-3 font-mono text-xs">
          {hostLink ? (
            <Link href={`/hosts/${encodeURIComponent(c.hostId)}`} className="text-indigo-600 hover:text-indigo-500">
              {c.hostId}
            </Link>
          ) : (
            c.hostId
          )}
        </td>
        <td className="px-4 py-3">
          <ContainerState state={c.state} />
          {crashSummary(c) && <div className="mt-1 text-xs text-red-700">{crashSummary(c)}</div>}
          {c.lastStartedAt && (
            <div className="text-xs text-slate-500">
              started <When iso={c.lastStartedAt} />
            </div>
          )}
        </td>
        <td className="px-4 py-3 font-mono text-xs tabular-nums">{c.hostPort ?? "—"}</td>
        <td className="px-4 py-3 tabular-nums">{c.releaseVersion ? `v${c.releaseVersion}` : "—"}</td>
        <td className="px-4 py-3 text-slate-500">
          <When iso={c.updatedAt} />
        </td>
        {(canAct || canCommit) && (
          <td className="px-4 py-3">
            <div className="flex flex-wrap items-start justify-end gap-1.5">
              {canAct && (
                <>
                  {running ? verb("stop", "Stop") : verb("start", "Start")}
                  {verb("restart", "Restart")}
                  {running && verb("kill", "Kill")}
                  <ConfirmButton
                    label="Remove"
                    ariaLabel={`Remove ${c.name}`}
                    question={`Remove ${c.name}?`}
                    confirmLabel="Yes, remove"
                    onConfirm={() => run("remove")}
                  />
                </>
              )}
              {canExec && c.state === "running" && c.appName && (
                <Link href={`${appHref(team, c.appName)}/containers/${c.id}/terminal`} className={secondaryButton} aria-label={`Open a terminal in ${c.name}`}>
                  Terminal
                </Link>
              )}
              {canCommit && (
                <button type="button" className={secondaryButton} onClick={onCommitToggle} aria-expanded={committing} aria-label={`Commit ${c.name}`}>
                  Commit…
                </button>
              )}
            </div>
          </td>
        )}
      </tr>
      {committing && (
        <tr>
          <td colSpan={7} className="bg-slate-50 px-4 py-3">
            <CommitForm c={c} team={team} />
          </td>
        </tr>
      )}
    </>
  );
}

function CommitForm({ c, team }: { c: Container; team: string }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [done, setDone] = useState<{ image: string; digest: string | null }>();

  async function commit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    setBusy(true);
    setError(undefined);
    try {
      setDone(
        await api("commitContainer", {
          params: { team, id: c.id },
          body: { repository: String(form.get("repository") ?? "").trim(), tag: String(form.get("tag") ?? "").trim() },
        }),
      );
    } catch (err) {
      setError(describeError(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={commit} className="space-y-2" aria-label={`Commit ${c.name}`} data-testid="commit-form">
      <p className="text-sm text-slate-600">
        Save this container's filesystem as an image in <span className="font-mono">{team}/</span>.
      </p>
      <div className="flex flex-wrap items-end gap-2">
        <label className="block">
          <span className="text-xs text-slate-600">Repository</span>
          <input name="repository" required pattern="[a-z0-9]([a-z0-9\-]*[a-z0-9])?" className={`${inputClass} font-mono`} />
        </label>
        <label className="block">
          <span className="text-xs text-slate-600">Tag</span>
          <input name="tag" required defaultValue="latest" pattern="[A-Za-z0-9_][A-Za-z0-9_.\-]{0,127}" className={`${inputClass} font-mono`} />
        </label>
        <button type="submit" disabled={busy} className={primaryButton}>
          {busy ? "Committing…" : "Commit"}
        </button>
      </div>
      {error && <ErrorNote testId="commit-error">{error}</ErrorNote>}
      {done && (
        <p className="text-sm text-emerald-700" data-testid="commit-result">
          Pushed <span className="font-mono">{done.image}</span>
          {done.digest ? <span className="font-mono text-xs"> ({done.digest})</span> : null}
        </p>
      )}
    </form>
  );
}
