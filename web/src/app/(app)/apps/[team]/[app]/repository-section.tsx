"use client";
// Settings → Repository: where Berth fetches the app's code from, a deploy of it, and the push
// webhook (its URL, and a new secret that is shown once).
import { type FormEvent, useState } from "react";
import { card, ErrorNote, inputClass, primaryButton, secondaryButton } from "@/components/ui";
import { api, describeError } from "@/lib/api-client";
import { type Deployment, StartedNote } from "../../parts";
import type { SectionProps } from "./app-view";

export function RepositorySection({ app, onChanged, can }: SectionProps) {
  const canWrite = can("apps.write");
  const repo = app.repository;
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [note, setNote] = useState<string>();
  const [started, setStarted] = useState<Deployment>();
  const [hook, setHook] = useState<{ url: string; secret: string }>();

  async function run(fn: () => Promise<void>) {
    setBusy(true);
    setError(undefined);
    setNote(undefined);
    try {
      await fn();
    } catch (err) {
      setError(describeError(err));
    } finally {
      setBusy(false);
    }
  }

  const save = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const url = String(form.get("repoUrl") ?? "").trim();
    const branch = String(form.get("repoBranch") ?? "").trim();
    return run(async () => {
      const repository = url ? { url, ...(branch ? { branch } : {}) } : null;
      await api("updateApp", { params: { team: app.team, app: app.name }, body: { repository } });
      setNote(url ? "Saved." : "Repository removed.");
      await onChanged();
    });
  };

  const deploy = () =>
    run(async () => {
      setStarted(await api("deployRepository", { params: { team: app.team, app: app.name }, body: {} }));
      await onChanged();
    });

  const rotate = () =>
    run(async () => {
      setHook(await api("rotateWebhookSecret", { params: { team: app.team, app: app.name } }));
      await onChanged();
    });

  return (
    <section aria-labelledby="repository" className="space-y-4" data-testid="repository-section">
      <div>
        <h2 id="repository" className="text-lg font-semibold">
          Repository
        </h2>
        <p className="text-sm text-slate-500">Berth's workers fetch this repository (http or https URL) and build its Dockerfile.</p>
      </div>
      {error && <ErrorNote testId="repository-error">{error}</ErrorNote>}
      <form onSubmit={save} className={`max-w-2xl space-y-3 p-5 ${card}`} aria-label="Repository">
        <label className="block">
          <span className="text-sm font-medium text-slate-700">URL</span>
          <input
            name="repoUrl"
            defaultValue={repo?.url ?? ""}
            disabled={!canWrite}
            placeholder="https://github.com/acme/web.git"
            autoComplete="off"
            className={`${inputClass} font-mono`}
          />
        </label>
        <label className="block">
          <span className="text-sm font-medium text-slate-700">Branch</span>
          <input
            name="repoBranch"
            defaultValue={repo?.branch ?? ""}
            disabled={!canWrite}
            placeholder={app.deployBranch}
            autoComplete="off"
            className={`${inputClass} font-mono`}
          />
        </label>
        <div className="flex flex-wrap gap-2">
          {canWrite && (
            <button type="submit" disabled={busy} className={primaryButton}>
              Save repository
            </button>
          )}
          {repo && can("apps.deploy") && (
            <button type="button" disabled={busy} onClick={deploy} className={secondaryButton} data-testid="deploy-repository">
              Deploy from repository
            </button>
          )}
        </div>
        {note && <p className="text-sm text-slate-600">{note}</p>}
        {started && <StartedNote app={app} deployment={started} />}
      </form>
      {repo && canWrite && (
        <div className={`max-w-2xl space-y-2 p-5 ${card}`} data-testid="repository-webhook">
          <h3 className="text-sm font-semibold">Webhook</h3>
          <p className="text-sm text-slate-500">
            A push to {repo.branch} deploys it. On GitHub: Settings → Webhooks; content type application/json; the secret below.
            {repo.webhook ? " A secret is set." : " No secret yet."}
          </p>
          {hook && (
            <dl className="space-y-1 font-mono text-sm" data-testid="webhook-secret">
              <dt className="font-sans text-slate-500">Payload URL</dt>
              <dd className="break-all">{hook.url}</dd>
              <dt className="font-sans text-slate-500">Secret (shown once)</dt>
              <dd className="break-all">{hook.secret}</dd>
            </dl>
          )}
          <button type="button" disabled={busy} onClick={rotate} className={secondaryButton}>
            {repo.webhook ? "Rotate secret" : "Create secret"}
          </button>
        </div>
      )}
    </section>
  );
}
