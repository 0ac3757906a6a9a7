"use client";
import type { Role } from "@berth/core";
import { type FormEvent, useState } from "react";
import { ConfirmButton } from "@/components/confirm-button";
import { CopyOnce } from "@/components/copy-once";
import { card, ErrorNote, inputClass, primaryButton, RoleBadge, TableFrame, theadClass, When } from "@/components/ui";
import { api, describeError } from "@/lib/api-client";
import { useApi } from "@/lib/use-api";
import { assignableRoles } from "./members";
import type { Team } from "./team-view";

export function Invitations({ team }: { team: Team }) {
  const open = useApi(() => api("listInvitations", { params: { team: team.slug } }), team.slug);
  const [link, setLink] = useState<string>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  async function create(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const formEl = e.currentTarget;
    const form = new FormData(formEl);
    const email = String(form.get("email") ?? "").trim();
    setBusy(true);
    setError(undefined);
    try {
      const created = await api("createInvitation", {
        params: { team: team.slug },
        body: { role: String(form.get("role")) as Role, expiresInDays: Number(form.get("expiresInDays")), ...(email ? { email } : {}) },
      });
      setLink(created.url);
      formEl.reset();
      await open.reload();
    } catch (err) {
      setError(describeError(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section aria-labelledby="invitations-heading" className="space-y-4">
      <h2 id="invitations-heading" className="text-lg font-semibold">
        Invitations
      </h2>
      <form onSubmit={create} className={`flex flex-wrap items-end gap-4 p-5 ${card}`} aria-label="Invite someone">
        <div>
          <label htmlFor="invite-role" className="text-sm font-medium text-slate-700">
            Role
          </label>
          <select id="invite-role" name="role" defaultValue="developer" className={inputClass}>
            {assignableRoles(team.role).map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </div>
        <div className="min-w-64 flex-1">
          <label htmlFor="invite-email" className="text-sm font-medium text-slate-700">
            Email (optional)
          </label>
          <input
            id="invite-email"
            name="email"
            type="email"
            maxLength={254}
            placeholder="Anyone with the link"
            aria-describedby="invite-email-hint"
            className={inputClass}
          />
        </div>
        <div className="w-32">
          <label htmlFor="invite-expiresindays" className="text-sm font-medium text-slate-700">
            Valid for (days)
          </label>
          <input id="invite-expiresindays" name="expiresInDays" type="number" min={1} max={30} defaultValue={7} required className={inputClass} />
        </div>
        <button type="submit" disabled={busy} className={primaryButton}>
          {busy ? "Creating…" : "Create invite link"}
        </button>
        <p id="invite-email-hint" className="w-full text-xs text-slate-500">
          With an email, only the account with that email can accept the link.
        </p>
      </form>
      {error && <ErrorNote testId="invite-error">{error}</ErrorNote>}
      {link && (
        <CopyOnce
          testId="invite-link"
          label="Invitation link"
          value={link}
          warning="Copy this link now and send it to the person you invite: it is shown only once. Whoever opens it while signed in can accept it."
          onDone={() => setLink(undefined)}
        />
      )}
      {open.error && <ErrorNote testId="invitations-error">{describeError(open.error)}</ErrorNote>}
      {open.data &&
        (open.data.invitations.length === 0 ? (
          <p className="text-sm text-slate-500">No open invitations.</p>
        ) : (
          <TableFrame testId="invitations-table">
            <thead className={theadClass}>
              <tr>
                <th className="px-4 py-3">For</th>
                <th className="px-4 py-3">Role</th>
                <th className="px-4 py-3">Created</th>
                <th className="px-4 py-3">Expires</th>
                <th className="px-4 py-3">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {open.data.invitations.map((i) => (
                <tr key={i.id} data-testid="invitation-row">
                  <td className="px-4 py-3">{i.email ?? <span className="text-slate-500">anyone with the link</span>}</td>
                  <td className="px-4 py-3">
                    <RoleBadge role={i.role} />
                  </td>
                  <td className="whitespace-nowrap px-4 py-3 text-slate-500">
                    <When iso={i.createdAt} />
                  </td>
                  <td className="whitespace-nowrap px-4 py-3 text-slate-500">
                    <When iso={i.expiresAt} />
                  </td>
                  <td className="px-4 py-3 text-right">
                    <ConfirmButton
                      label="Revoke"
                      ariaLabel={`Revoke invitation for ${i.email ?? "anyone with the link"} as ${i.role}`}
                      question="Revoke this invitation?"
                      onConfirm={async () => {
                        try {
                          await api("revokeInvitation", { params: { team: team.slug, id: i.id } });
                        } catch (err) {
                          setError(describeError(err));
                        }
                        await open.reload();
                      }}
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
