"use client";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { type FormEvent, useState } from "react";
import { Badge, card, ErrorNote, inputClass, primaryButton, RoleBadge } from "@/components/ui";
import { api, describeError } from "@/lib/api-client";
import { useApi } from "@/lib/use-api";

export function TeamsView() {
  const teams = useApi(() => api("listTeams"), "teams");
  return (
    <div className="grid gap-8 lg:grid-cols-[1fr_20rem]">
      <section aria-labelledby="my-teams">
        <h2 id="my-teams" className="sr-only">
          My teams
        </h2>
        {teams.error && <ErrorNote>{describeError(teams.error)}</ErrorNote>}
        {!teams.data && !teams.error && <p className="text-slate-500">Loading…</p>}
        {teams.data && (
          <ul className={`divide-y divide-slate-200 ${card}`} data-testid="teams-list">
            {teams.data.teams.map((t) => (
              <li key={t.id}>
                <Link href={`/teams/${encodeURIComponent(t.slug)}`} className="flex items-center justify-between gap-4 px-5 py-3 hover:bg-slate-50">
                  <span className="min-w-0">
                    <span className="block truncate font-medium">{t.name}</span>
                    <span className="block truncate font-mono text-xs text-slate-500">{t.slug}</span>
                  </span>
                  <span className="flex shrink-0 items-center gap-2">
                    {t.personal && <Badge>personal</Badge>}
                    <RoleBadge role={t.role} />
                  </span>
                </Link>
              </li>
            ))}
          </ul>
        )}
      </section>
      <CreateTeamForm />
    </div>
  );
}

function CreateTeamForm() {
  const router = useRouter();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    setBusy(true);
    setError(undefined);
    try {
      const team = await api("createTeam", { body: { slug: String(form.get("slug") ?? "").trim(), name: String(form.get("name") ?? "").trim() } });
      router.push(`/teams/${encodeURIComponent(team.slug)}`);
    } catch (err) {
      setError(describeError(err));
      setBusy(false);
    }
  }

  return (
    <form onSubmit={submit} className={`h-fit space-y-4 p-5 ${card}`} aria-labelledby="create-team">
      <h2 id="create-team" className="font-semibold">
        Create a team
      </h2>
      <div>
        <label htmlFor="team-name" className="text-sm font-medium text-slate-700">
          Team name
        </label>
        <input id="team-name" name="name" required maxLength={80} className={inputClass} />
      </div>
      <div>
        <label htmlFor="team-slug" className="text-sm font-medium text-slate-700">
          Slug
        </label>
        <input
          id="team-slug"
          name="slug"
          required
          minLength={2}
          maxLength={39}
          pattern="[a-z0-9]([a-z0-9\-]*[a-z0-9])?"
          autoCapitalize="none"
          spellCheck={false}
          aria-describedby="slug-hint"
          className={`${inputClass} font-mono`}
        />
        <span id="slug-hint" className="mt-1 block text-xs text-slate-500">
          The team's namespace in image names and URLs: lowercase letters, digits and dashes.
        </span>
      </div>
      {error && <ErrorNote>{error}</ErrorNote>}
      <button type="submit" disabled={busy} className={`w-full ${primaryButton}`}>
        {busy ? "Creating…" : "Create team"}
      </button>
    </form>
  );
}
