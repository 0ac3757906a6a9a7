"use client";
import { SCOPES, type Scope, type token } from "@berth/core";
import { type FormEvent, useState } from "react";
import type { z } from "zod";
import { ConfirmButton } from "@/components/confirm-button";
import { CopyOnce } from "@/components/copy-once";
import { Badge, card, ErrorNote, inputClass, primaryButton, TableFrame, theadClass, When } from "@/components/ui";
import { api, describeError } from "@/lib/api-client";
import { useApi } from "@/lib/use-api";

type Token = z.infer<typeof token>;

const SCOPE_HELP: Record<Scope, string> = {
  "registry:read": "Pull images from your teams' repositories",
  "registry:write": "Push and delete images (includes pulling)",
  "apps:deploy": "Create, deploy and read the logs of apps",
  admin: "Everything you can do in the dashboard, including managing teams and tokens",
};

export function TokensView() {
  const tokens = useApi(() => api("listTokens"), "tokens");
  const [secret, setSecret] = useState<{ name: string; value: string }>();
  const [error, setError] = useState<string>();

  return (
    <div className="space-y-8">
      <CreateToken
        onCreated={async (name, value) => {
          setSecret({ name, value });
          await tokens.reload();
        }}
      />
      {secret && (
        <CopyOnce
          testId="token-secret"
          label={`Secret of “${secret.name}”`}
          value={secret.value}
          warning="Copy this secret now: it is shown only once and Berth keeps only a hash of it. Anyone who has it can act as you within its scopes."
          onDone={() => setSecret(undefined)}
        />
      )}
      <section aria-labelledby="tokens-heading">
        <h2 id="tokens-heading" className="text-lg font-semibold">
          Your tokens
        </h2>
        <p className="mb-3 text-sm text-slate-500">Revoking a token stops everything that uses it at once.</p>
        {error && <ErrorNote testId="tokens-error">{error}</ErrorNote>}
        {tokens.error && <ErrorNote testId="tokens-error">{describeError(tokens.error)}</ErrorNote>}
        {tokens.data &&
          (tokens.data.tokens.length === 0 ? (
            <p className="rounded-xl border border-dashed border-slate-300 p-8 text-center text-slate-500">No tokens yet.</p>
          ) : (
            <TableFrame testId="tokens-table">
              <thead className={theadClass}>
                <tr>
                  <th className="px-4 py-3">Name</th>
                  <th className="px-4 py-3">Prefix</th>
                  <th className="px-4 py-3">Scopes</th>
                  <th className="px-4 py-3">Expires</th>
                  <th className="px-4 py-3">Last used</th>
                  <th className="px-4 py-3">Status</th>
                  <th className="px-4 py-3">
                    <span className="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {tokens.data.tokens.map((t) => (
                  <TokenRow
                    key={t.id}
                    t={t}
                    onRevoke={async () => {
                      setError(undefined);
                      try {
                        await api("revokeToken", { params: { id: t.id } });
                      } catch (err) {
                        setError(describeError(err));
                      }
                      await tokens.reload();
                    }}
                  />
                ))}
              </tbody>
            </TableFrame>
          ))}
      </section>
    </div>
  );
}

function TokenRow({ t, onRevoke }: { t: Token; onRevoke: () => Promise<void> }) {
  const expired = t.expiresAt !== null && new Date(t.expiresAt).getTime() <= Date.now();
  return (
    <tr data-testid="token-row" className={t.revokedAt || expired ? "text-slate-400" : undefined}>
      <td className="px-4 py-3 font-medium">{t.name}</td>
      <td className="px-4 py-3 font-mono text-xs">{t.prefix}…</td>
      <td className="px-4 py-3">
        <span className="flex flex-wrap gap-1">
          {t.scopes.map((s) => (
            <span key={s} className="rounded bg-slate-100 px-1.5 py-0.5 font-mono text-xs text-slate-700">
              {s}
            </span>
          ))}
        </span>
      </td>
      <td className="whitespace-nowrap px-4 py-3">
        <When iso={t.expiresAt} empty="never" />
      </td>
      <td className="whitespace-nowrap px-4 py-3">
        <When iso={t.lastUsedAt} empty="never" />
      </td>
      <td className="whitespace-nowrap px-4 py-3">
        {t.revokedAt ? (
          <span title={t.revokedAt}>
            <Badge tone="red">revoked</Badge>
          </span>
        ) : expired ? (
          <Badge tone="amber">expired</Badge>
        ) : (
          <Badge tone="emerald">active</Badge>
        )}
      </td>
      <td className="px-4 py-3 text-right">
        {!t.revokedAt && <ConfirmButton label="Revoke" ariaLabel={`Revoke ${t.name}`} question="Revoke for good?" onConfirm={onRevoke} />}
      </td>
    </tr>
  );
}

function CreateToken({ onCreated }: { onCreated: (name: string, secret: string) => Promise<void> }) {
  const [never, setNever] = useState(false);
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const formEl = e.currentTarget;
    const form = new FormData(formEl);
    const scopes = SCOPES.filter((s) => form.getAll("scopes").includes(s));
    if (scopes.length === 0) {
      setError("Choose at least one scope.");
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      const name = String(form.get("name") ?? "").trim();
      const created = await api("createToken", { body: { name, scopes, expiresInDays: never ? null : Number(form.get("expiresInDays")) } });
      formEl.reset();
      setNever(false);
      await onCreated(created.token.name, created.secret);
    } catch (err) {
      setError(describeError(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={submit} className={`space-y-4 p-5 ${card}`} aria-labelledby="create-token">
      <h2 id="create-token" className="font-semibold">
        Create a token
      </h2>
      <div className="max-w-md">
        <label htmlFor="token-name" className="text-sm font-medium text-slate-700">
          Token name
        </label>
        <input id="token-name" name="name" required maxLength={80} placeholder="e.g. laptop CLI" className={inputClass} />
      </div>
      <fieldset>
        <legend className="text-sm font-medium text-slate-700">Scopes</legend>
        <div className="mt-2 grid gap-2 sm:grid-cols-2">
          {SCOPES.map((s) => (
            <label key={s} className="flex items-start gap-2 rounded-md border border-slate-200 px-3 py-2">
              <input type="checkbox" name="scopes" value={s} className="mt-1" />
              <span>
                <span className="block font-mono text-sm">{s}</span>
                <span className="block text-xs text-slate-500">{SCOPE_HELP[s]}</span>
              </span>
            </label>
          ))}
        </div>
      </fieldset>
      <div className="flex flex-wrap items-end gap-6">
        <div className="w-40">
          <label htmlFor="token-expiresindays" className="text-sm font-medium text-slate-700">
            Expires in (days)
          </label>
          <input
            id="token-expiresindays"
            name="expiresInDays"
            type="number"
            min={1}
            max={3650}
            defaultValue={90}
            required={!never}
            disabled={never}
            className={`${inputClass} disabled:bg-slate-100`}
          />
        </div>
        <label className="mb-2 flex items-center gap-2 text-sm text-slate-700">
          <input type="checkbox" checked={never} onChange={(e) => setNever(e.currentTarget.checked)} />
          Never expires
        </label>
      </div>
      {error && <ErrorNote testId="token-error">{error}</ErrorNote>}
      <button type="submit" disabled={busy} className={primaryButton}>
        {busy ? "Creating…" : "Create token"}
      </button>
    </form>
  );
}
