"use client";
import { RESERVED_ENV } from "@berth/core";
import { type FormEvent, useState } from "react";
import { ConfirmButton } from "@/components/confirm-button";
import { Badge, card, ErrorNote, inputClass, primaryButton, secondaryButton, TableFrame, theadClass } from "@/components/ui";
import { api, describeError } from "@/lib/api-client";
import { type Deployment, StartedNote } from "../../parts";
import type { SectionProps } from "./app-view";

type Draft = { key: string; value: string; secret: boolean; editing: boolean };
const EMPTY: Draft = { key: "", value: "", secret: false, editing: false };

export function EnvironmentSection({ app, onChanged, can }: SectionProps) {
  const canWrite = can("apps.write");
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [started, setStarted] = useState<Deployment>();

  async function change(body: { set?: Record<string, { value: string; secret: boolean }>; unset?: string[] }) {
    setBusy(true);
    setError(undefined);
    try {
      const res = await api("setEnv", { params: { team: app.team, app: app.name }, body: { set: body.set ?? {}, unset: body.unset ?? [] } });
      setStarted(res.deployment ?? undefined);
      await onChanged();
      return true;
    } catch (err) {
      setError(describeError(err));
      return false;
    } finally {
      setBusy(false);
    }
  }

  async function save(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const key = draft.key.trim();
    if (await change({ set: { [key]: { value: draft.value, secret: draft.secret } } })) setDraft(EMPTY);
  }

  return (
    <section aria-labelledby="environment" className="space-y-4">
      <div>
        <h2 id="environment" className="text-lg font-semibold">
          Environment
        </h2>
        <p className="text-sm text-slate-500">
          Variables the app's containers start with. Secret values are encrypted at rest and never shown again. A change makes a new release of a live app.
          Berth sets {RESERVED_ENV.join(", ")} itself.
        </p>
      </div>
      {started && <StartedNote app={app} deployment={started} />}
      {error && <ErrorNote testId="env-error">{error}</ErrorNote>}
      {app.env.length === 0 ? (
        <p className="rounded-xl border border-dashed border-slate-300 p-5 text-sm text-slate-500">No variables yet.</p>
      ) : (
        <TableFrame testId="env-table">
          <thead className={theadClass}>
            <tr>
              <th className="px-4 py-3">Name</th>
              <th className="px-4 py-3">Value</th>
              {canWrite && (
                <th className="px-4 py-3">
                  <span className="sr-only">Actions</span>
                </th>
              )}
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {app.env.map((v) => (
              <tr key={v.key} data-testid="env-row" data-key={v.key} data-secret={v.secret}>
                <td className="px-4 py-3 font-mono text-sm">
                  {v.key} {v.secret && <Badge tone="amber">secret</Badge>}
                </td>
                <td className="max-w-md px-4 py-3 font-mono text-xs" data-testid="env-value">
                  {v.secret || v.value === null ? (
                    <span title="Secret values cannot be read back">
                      <span aria-hidden>•••</span>
                      <span className="sr-only">hidden</span>
                    </span>
                  ) : (
                    <span className="break-all">{v.value}</span>
                  )}
                </td>
                {canWrite && (
                  <td className="whitespace-nowrap px-4 py-3 text-right">
                    <span className="inline-flex items-start gap-2">
                      <button
                        type="button"
                        className={secondaryButton}
                        aria-label={`Edit ${v.key}`}
                        onClick={() => setDraft({ key: v.key, value: v.secret ? "" : (v.value ?? ""), secret: v.secret, editing: true })}
                      >
                        Edit
                      </button>
                      <ConfirmButton
                        label="Unset"
                        ariaLabel={`Unset ${v.key}`}
                        question={`Unset ${v.key}?`}
                        confirmLabel="Yes, unset"
                        onConfirm={async () => {
                          await change({ unset: [v.key] });
                        }}
                      />
                    </span>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </TableFrame>
      )}
      {canWrite && (
        <form onSubmit={save} className={`space-y-3 p-5 ${card}`} aria-label="Set a variable" data-testid="env-form">
          <h3 className="font-medium">{draft.editing ? `Change ${draft.key}` : "Add a variable"}</h3>
          <div className="grid gap-3 sm:grid-cols-[16rem_1fr]">
            <label className="block">
              <span className="text-sm font-medium text-slate-700">Name</span>
              <input
                name="key"
                required
                readOnly={draft.editing}
                value={draft.key}
                onChange={(e) => setDraft({ ...draft, key: e.target.value })}
                pattern="[A-Za-z_][A-Za-z0-9_]{0,127}"
                title="letters, digits and _; not starting with a digit"
                autoComplete="off"
                className={`${inputClass} font-mono`}
              />
            </label>
            <label className="block">
              <span className="text-sm font-medium text-slate-700">Value</span>
              <input
                name="value"
                type={draft.secret ? "password" : "text"}
                value={draft.value}
                onChange={(e) => setDraft({ ...draft, value: e.target.value })}
                placeholder={draft.editing && draft.secret ? "a new value (the old one cannot be shown)" : ""}
                maxLength={32_768}
                autoComplete="off"
                className={`${inputClass} font-mono`}
              />
            </label>
          </div>
          <label className="flex items-center gap-2 text-sm text-slate-700">
            <input type="checkbox" name="secret" checked={draft.secret} onChange={(e) => setDraft({ ...draft, secret: e.target.checked })} />
            Secret (hidden after saving)
          </label>
          <div className="flex gap-2">
            <button type="submit" disabled={busy} className={primaryButton}>
              {busy ? "Saving…" : "Save variable"}
            </button>
            {draft.editing && (
              <button type="button" className={secondaryButton} onClick={() => setDraft(EMPTY)} disabled={busy}>
                Cancel
              </button>
            )}
          </div>
        </form>
      )}
    </section>
  );
}
