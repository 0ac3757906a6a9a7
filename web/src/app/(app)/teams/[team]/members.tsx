"use client";
import { type member, outranks, ROLES, type Role, roleHas } from "@berth/core";
import { useState } from "react";
import type { z } from "zod";
import { ConfirmButton } from "@/components/confirm-button";
import { ErrorNote, RoleBadge, TableFrame, theadClass, When } from "@/components/ui";
import { api, describeError } from "@/lib/api-client";
import { useApi } from "@/lib/use-api";
import type { Team } from "./team-view";

type Member = z.infer<typeof member>;

/** The roles a member with role `mine` may hand out: only owners grant owner. */
export const assignableRoles = (mine: Role): Role[] => ROLES.filter((r) => r !== "owner" || mine === "owner");
/** Mirrors the server's rule: nobody manages someone who outranks them, and only owners touch owners. */
const mayManage = (mine: Role, theirs: Role) => roleHas(mine, "members.manage") && !outranks(theirs, mine) && (theirs !== "owner" || mine === "owner");

export function Members({ team, meId }: { team: Team; meId: string }) {
  const members = useApi(() => api("listMembers", { params: { team: team.slug } }), team.slug);
  const [error, setError] = useState<string>();

  async function run(action: () => Promise<unknown>): Promise<boolean> {
    setError(undefined);
    let ok = true;
    try {
      await action();
    } catch (err) {
      setError(describeError(err));
      ok = false;
    }
    await members.reload();
    return ok;
  }

  return (
    <section aria-labelledby="members-heading">
      <h2 id="members-heading" className="mb-3 text-lg font-semibold">
        Members
      </h2>
      {error && <ErrorNote testId="members-error">{error}</ErrorNote>}
      {members.error && <ErrorNote testId="members-error">{describeError(members.error)}</ErrorNote>}
      {members.data && (
        <TableFrame className="mt-2" testId="members-table">
          <thead className={theadClass}>
            <tr>
              <th className="px-4 py-3">Member</th>
              <th className="px-4 py-3">Email</th>
              <th className="px-4 py-3">Role</th>
              <th className="px-4 py-3">Joined</th>
              <th className="px-4 py-3">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {members.data.members.map((m) => {
              const me = m.userId === meId;
              const editable = !me && mayManage(team.role, m.role);
              const who = m.username ?? m.email;
              return (
                <tr key={m.userId} data-testid="member-row" data-username={m.username ?? ""}>
                  <td className="px-4 py-3">
                    <div className="font-medium">
                      {m.name}
                      {me && <span className="ml-2 text-xs font-normal text-slate-500">(you)</span>}
                    </div>
                    {m.username && <div className="font-mono text-xs text-slate-500">{m.username}</div>}
                  </td>
                  <td className="px-4 py-3 text-slate-600">{m.email}</td>
                  <td className="px-4 py-3">
                    {editable ? (
                      <RoleSelect
                        key={m.role}
                        member={m}
                        who={who}
                        options={assignableRoles(team.role)}
                        onChange={(role) => run(() => api("updateMember", { params: { team: team.slug, userId: m.userId }, body: { role } }))}
                      />
                    ) : (
                      <RoleBadge role={m.role} />
                    )}
                  </td>
                  <td className="whitespace-nowrap px-4 py-3 text-slate-500">
                    <When iso={m.joinedAt} />
                  </td>
                  <td className="px-4 py-3 text-right">
                    {editable && (
                      <ConfirmButton
                        label="Remove"
                        ariaLabel={`Remove ${who}`}
                        question="Remove from the team?"
                        onConfirm={async () => {
                          await run(() => api("removeMember", { params: { team: team.slug, userId: m.userId } }));
                        }}
                      />
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </TableFrame>
      )}
    </section>
  );
}

function RoleSelect({ member, who, options, onChange }: { member: Member; who: string; options: Role[]; onChange: (role: Role) => Promise<boolean> }) {
  const [value, setValue] = useState<Role>(member.role);
  const [busy, setBusy] = useState(false);
  return (
    <select
      aria-label={`Role of ${who}`}
      value={value}
      disabled={busy}
      className="rounded-md border border-slate-300 bg-white px-2 py-1 text-sm focus:border-indigo-500 focus:outline-none"
      onChange={async (e) => {
        const role = e.currentTarget.value as Role;
        setValue(role);
        setBusy(true);
        // A refused change puts the select back to the role the member still has.
        if (!(await onChange(role))) setValue(member.role);
        setBusy(false);
      }}
    >
      {options.map((r) => (
        <option key={r} value={r}>
          {r}
        </option>
      ))}
    </select>
  );
}
