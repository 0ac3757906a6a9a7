"use client";
import { useCallback, useState } from "react";
import { AuditTable } from "@/components/audit-table";
import { card, ErrorNote } from "@/components/ui";
import { api, describeError } from "@/lib/api-client";
import { useApi } from "@/lib/use-api";

export function AdminView() {
  const loadAudit = useCallback((before?: string) => api("adminAudit", { query: { limit: 100, before } }), []);
  return (
    <div className="space-y-10">
      <SignupSetting />
      <section aria-labelledby="instance-audit">
        <h2 id="instance-audit" className="mb-3 text-lg font-semibold">
          Instance audit log
        </h2>
        <AuditTable load={loadAudit} showTeam />
      </section>
    </div>
  );
}

function SignupSetting() {
  const settings = useApi(() => api("getSettings"), "settings");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const open = settings.data?.signupOpen;

  async function toggle(next: boolean) {
    setBusy(true);
    setError(undefined);
    try {
      await api("updateSettings", { body: { signupOpen: next } });
    } catch (err) {
      setError(describeError(err));
    }
    await settings.reload();
    setBusy(false);
  }

  return (
    <section aria-labelledby="settings-heading" className={`p-5 ${card}`}>
      <h2 id="settings-heading" className="text-lg font-semibold">
        Settings
      </h2>
      {settings.error && <ErrorNote>{describeError(settings.error)}</ErrorNote>}
      {open !== undefined && (
        <div className="mt-4">
          <label className="flex items-center gap-3">
            <input
              type="checkbox"
              role="switch"
              aria-checked={open}
              checked={open}
              disabled={busy}
              aria-describedby="signup-state"
              onChange={(e) => toggle(e.currentTarget.checked)}
              className="h-4 w-4 accent-indigo-600"
            />
            <span className="font-medium">Open sign-up</span>
          </label>
          <p id="signup-state" data-testid="signup-state" className="ml-7 text-sm text-slate-500">
            {open
              ? "Anyone who can reach this instance can create an account."
              : "Sign-up is closed: only existing users can sign in; invitations need an account."}
          </p>
        </div>
      )}
      {error && <ErrorNote>{error}</ErrorNote>}
    </section>
  );
}
