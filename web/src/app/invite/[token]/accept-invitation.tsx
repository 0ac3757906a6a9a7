"use client";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { card, ErrorNote, primaryButton } from "@/components/ui";
import { api, describeError } from "@/lib/api-client";
import { authClient } from "@/lib/auth-client";

export function AcceptInvitation({ token, email }: { token: string; email: string }) {
  const router = useRouter();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();

  async function accept() {
    setBusy(true);
    setError(undefined);
    try {
      const team = await api("acceptInvitation", { body: { token } });
      router.push(`/teams/${encodeURIComponent(team.slug)}`);
      router.refresh();
    } catch (err) {
      setError(describeError(err));
      setBusy(false);
    }
  }

  return (
    <div className={`space-y-4 p-6 ${card}`}>
      <h1 className="text-lg font-semibold">Join team</h1>
      <p className="text-sm text-slate-600">
        You were invited to join a team on this Berth instance. Accepting adds you to the team with the role the invitation names.
      </p>
      <p className="text-sm text-slate-600">
        Signed in as <span className="font-medium text-slate-900">{email}</span>.
      </p>
      {error && <ErrorNote testId="invite-error">{error}</ErrorNote>}
      <button type="button" onClick={accept} disabled={busy} className={`w-full ${primaryButton}`}>
        {busy ? "Joining…" : "Accept invitation"}
      </button>
      <div className="flex items-center justify-between border-t border-slate-200 pt-4 text-sm">
        <Link href="/" className="font-medium text-indigo-600 hover:text-indigo-500">
          Go to the dashboard
        </Link>
        <button
          type="button"
          className="text-slate-500 hover:text-slate-900"
          onClick={async () => {
            // Back to this invitation once signed in as someone else.
            await authClient.signOut();
            router.replace(`/sign-in?next=${encodeURIComponent(`/invite/${token}`)}`);
            router.refresh();
          }}
        >
          Use another account
        </button>
      </div>
    </div>
  );
}
