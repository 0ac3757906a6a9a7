"use client";
import { type FormEvent, useState } from "react";
import { ConfirmButton } from "@/components/confirm-button";
import { card, ErrorNote, inputClass, primaryButton } from "@/components/ui";
import { api, describeError } from "@/lib/api-client";
import type { SectionProps } from "./app-view";

/** A custom host name's address, on the same scheme and port as the app's default one. */
function urlFor(defaultUrl: string, hostname: string): string {
  try {
    const u = new URL(defaultUrl);
    return `${u.protocol}//${hostname}${u.port ? `:${u.port}` : ""}`;
  } catch {
    return `http://${hostname}`;
  }
}

export function DomainsSection({ app, onChanged, can }: SectionProps) {
  const canWrite = can("apps.write");
  const [hostname, setHostname] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();

  async function add(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await api("addDomain", { params: { team: app.team, app: app.name }, body: { hostname: hostname.trim() } });
      setHostname("");
      await onChanged();
    } catch (err) {
      setError(describeError(err));
    } finally {
      setBusy(false);
    }
  }

  async function remove(name: string) {
    setError(undefined);
    try {
      await api("removeDomain", { params: { team: app.team, app: app.name, hostname: name } });
    } catch (err) {
      setError(describeError(err));
    }
    await onChanged();
  }

  return (
    <section aria-labelledby="domains" className="space-y-4">
      <div>
        <h2 id="domains" className="text-lg font-semibold">
          Domains
        </h2>
        <p className="text-sm text-slate-500">Berth's proxy serves the app at its default address and at every host name added here.</p>
      </div>
      {error && <ErrorNote testId="domain-error">{error}</ErrorNote>}
      <ul className={`divide-y divide-slate-100 ${card}`} data-testid="domains-list">
        <li className="flex items-center justify-between gap-3 px-5 py-3">
          <a href={app.url} target="_blank" rel="noreferrer" className="break-all font-mono text-sm text-indigo-600 hover:text-indigo-500">
            {app.url}
          </a>
          <span className="text-xs text-slate-500">default</span>
        </li>
        {app.domains.map((d) => (
          <li key={d} className="flex items-center justify-between gap-3 px-5 py-3" data-testid="domain-row" data-hostname={d}>
            <a href={urlFor(app.url, d)} target="_blank" rel="noreferrer" className="break-all font-mono text-sm text-indigo-600 hover:text-indigo-500">
              {urlFor(app.url, d)}
            </a>
            {canWrite && (
              <ConfirmButton label="Remove" ariaLabel={`Remove ${d}`} question={`Stop serving ${d}?`} confirmLabel="Yes, remove" onConfirm={() => remove(d)} />
            )}
          </li>
        ))}
      </ul>
      {canWrite && (
        <form onSubmit={add} className="flex max-w-xl items-end gap-2" aria-label="Add a domain">
          <label className="block flex-1">
            <span className="text-sm font-medium text-slate-700">Host name</span>
            <input
              value={hostname}
              onChange={(e) => setHostname(e.target.value)}
              required
              placeholder="shop.example.com"
              autoComplete="off"
              className={`${inputClass} font-mono`}
            />
          </label>
          <button type="submit" disabled={busy} className={primaryButton}>
            {busy ? "Adding…" : "Add domain"}
          </button>
        </form>
      )}
    </section>
  );
}
