"use client";
// A team's credentials for other registries (ghcr.io, a company's registry): pulls of its private
// images and builds FROM them use them. Add one (Berth logs in with it first and refuses a wrong
// one; the password is sealed and never shown again), remove one. Only rendered for `team.update`.
import type { registryCredential } from "@berth/core";
import { type FormEvent, useState } from "react";
import type { z } from "zod";
import { ConfirmButton } from "@/components/confirm-button";
import { card, ErrorNote, inputClass, primaryButton, TableFrame, theadClass, When } from "@/components/ui";
import { api, describeError } from "@/lib/api-client";
import { useApi } from "@/lib/use-api";
import type { Team } from "./team-view";

type Credential = z.infer<typeof registryCredential>;

export function Registries({ team }: { team: Team }) {
  const list = useApi(() => api("listRegistryCredentials", { params: { team: team.slug } }), `registries:${team.slug}`);
  const [error, setError] = useState<string>();
  const [added, setAdded] = useState<string>();
  const [busy, setBusy] = useState(false);

  async function add(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const formEl = e.currentTarget;
    const form = new FormData(formEl);
    const body = {
      host: String(form.get("host") ?? "").trim(),
      username: String(form.get("username") ?? "").trim(),
      password: String(form.get("password") ?? ""),
    };
    setBusy(true);
    setError(undefined);
    setAdded(undefined);
    try {
      const res = await api("addRegistryCredential", { params: { team: team.slug }, body });
      formEl.reset();
      await list.reload();
      setAdded(`Logged in to ${res.registry.host} as ${res.registry.username}; the credential is stored.`);
    } catch (err) {
      // A refused password is not kept in the form; host and username stay for another try.
      const password = formEl.elements.namedItem("password");
      if (password instanceof HTMLInputElement) password.value = "";
      setError(describeError(err));
    } finally {
      setBusy(false);
    }
  }

  async function remove(c: Credential) {
    setError(undefined);
    setAdded(undefined);
    try {
      await api("removeRegistryCredential", { params: { team: team.slug, id: c.id } });
    } catch (err) {
      setError(describeError(err));
    }
    await list.reload();
  }

  return (
    <section aria-labelledby="registries-heading" className="space-y-4" data-testid="registries">
      <div>
        <h2 id="registries-heading" className="text-lg font-semibold">
          Registry credentials
        </h2>
        <p className="text-sm text-slate-500">
          Used to pull {team.slug}'s images from other registries (deploys, and builds FROM them). Berth logs in with a credential before storing it; the
          password is sealed and never shown again.
        </p>
      </div>
      <form onSubmit={add} className={`grid gap-4 p-5 sm:grid-cols-4 sm:items-end ${card}`} aria-label="Add registry credential">
        <label className="block">
          <span className="text-sm font-medium text-slate-700">Registry</span>
          <input name="host" required maxLength={255} placeholder="ghcr.io" autoComplete="off" className={`${inputClass} font-mono`} />
        </label>
        <label className="block">
          <span className="text-sm font-medium text-slate-700">Username</span>
          <input name="username" required maxLength={255} autoComplete="off" className={inputClass} />
        </label>
        <label className="block">
          <span className="text-sm font-medium text-slate-700">Password or token</span>
          <input name="password" type="password" required maxLength={4096} autoComplete="new-password" className={inputClass} />
        </label>
        <button type="submit" disabled={busy} className={primaryButton}>
          {busy ? "Logging in…" : "Add credential"}
        </button>
      </form>
      {error && <ErrorNote testId="registry-error">{error}</ErrorNote>}
      {added && (
        <p className="text-sm text-emerald-700" role="status" data-testid="registry-added">
          {added}
        </p>
      )}
      {list.error && <ErrorNote testId="registries-error">{describeError(list.error)}</ErrorNote>}
      {list.data &&
        (list.data.registries.length === 0 ? (
          <p className="text-sm text-slate-500" data-testid="registries-empty">
            No credentials yet: images from other registries are pulled anonymously.
          </p>
        ) : (
          <TableFrame testId="registry-table">
            <thead className={theadClass}>
              <tr>
                <th className="px-4 py-3">Registry</th>
                <th className="px-4 py-3">Username</th>
                <th className="px-4 py-3">Added by</th>
                <th className="px-4 py-3">Added</th>
                <th className="px-4 py-3">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {list.data.registries.map((c) => (
                <tr key={c.id} data-testid="registry-row" data-host={c.host}>
                  <td className="px-4 py-3 font-mono">{c.host}</td>
                  <td className="px-4 py-3">{c.username}</td>
                  <td className="px-4 py-3 text-slate-500">{c.addedBy ?? "—"}</td>
                  <td className="whitespace-nowrap px-4 py-3 text-slate-500">
                    <When iso={c.createdAt} />
                  </td>
                  <td className="px-4 py-3 text-right">
                    <ConfirmButton
                      label="Remove"
                      ariaLabel={`Remove the credential for ${c.host}`}
                      question={`Remove the credential for ${c.host}? Pulls from it will be anonymous.`}
                      confirmLabel="Yes, remove"
                      onConfirm={() => remove(c)}
                    />
                  </td>
                </tr>
              ))}
            </tbody>
          </TableFrame>
        ))}
    </section>
  );
}
