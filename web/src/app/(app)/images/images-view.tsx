"use client";
import type { repository, teamSummary } from "@berth/core";
import Link from "next/link";
import { type FormEvent, type RefObject, useEffect, useRef, useState } from "react";
import type { z } from "zod";
import { card, ErrorNote, inputClass, primaryButton, RoleBadge, tableClass, theadClass, When } from "@/components/ui";
import { api, describeError } from "@/lib/api-client";
import { formatBytes } from "@/lib/format";
import { useApi } from "@/lib/use-api";
import { CopyCommand, repoHref, VisibilityBadge } from "./parts";

type Team = z.infer<typeof teamSummary>;
/** The explore route answers at most this many repositories, most pulled first. */
const EXPLORE_LIMIT = 100;
type Repository = z.infer<typeof repository>;

export function ImagesView({ registryHost }: { registryHost: string }) {
  const teams = useApi(() => api("listTeams"), "teams");
  // The personal namespace first, then teams by name.
  const sorted = teams.data?.teams.slice().sort((a, b) => Number(b.personal) - Number(a.personal) || a.name.localeCompare(b.name));
  const personal = sorted?.[0];

  return (
    <div className="space-y-10">
      <PushHelp registryHost={registryHost} namespace={personal?.slug ?? "<team>"} />
      <section aria-labelledby="my-images" className="space-y-8">
        <h2 id="my-images" className="text-lg font-semibold">
          Your repositories
        </h2>
        {teams.error && <ErrorNote>{describeError(teams.error)}</ErrorNote>}
        {!teams.data && !teams.error && <p className="text-slate-500">Loading…</p>}
        {sorted?.map((t) => (
          <TeamRepositories key={t.id} team={t} registryHost={registryHost} />
        ))}
      </section>
      <Explore registryHost={registryHost} myTeams={new Set(sorted?.map((t) => t.slug))} />
    </div>
  );
}

function PushHelp({ registryHost, namespace }: { registryHost: string; namespace: string }) {
  return (
    <section aria-labelledby="push-help" className={`space-y-3 p-5 ${card}`} data-testid="push-help">
      <h2 id="push-help" className="font-semibold">
        Push an image
      </h2>
      <p className="text-sm text-slate-600">
        Sign in to the registry with your Berth username and password (or an access token with the <span className="font-mono">registry:write</span> scope), tag
        the image under a namespace you belong to, and push it. The repository appears here as soon as the push ends.
      </p>
      <CopyCommand label="login command" command={`docker login ${registryHost}`} testId="login-command" />
      <CopyCommand label="tag command" command={`docker tag <image> ${registryHost}/${namespace}/<repo>:<tag>`} />
      <CopyCommand label="push command" command={`docker push ${registryHost}/${namespace}/<repo>:<tag>`} testId="push-command" />
    </section>
  );
}

function TeamRepositories({ team, registryHost }: { team: Team; registryHost: string }) {
  const repos = useApi(() => api("listRepositories", { params: { team: team.slug } }), `repos:${team.slug}`);
  const headingId = `team-${team.slug}`;
  const ref = useRef<HTMLElement>(null);
  const seen = useSeen(ref);
  return (
    <section ref={ref} aria-labelledby={headingId} data-testid={`team-images-${team.slug}`}>
      <div className="mb-3 flex flex-wrap items-center gap-2">
        <h3 id={headingId} className="font-medium">
          {team.name}
        </h3>
        {team.name !== team.slug && <span className="font-mono text-sm text-slate-500">{team.slug}</span>}
        {team.personal && <span className="text-xs text-slate-500">(personal namespace)</span>}
        <RoleBadge role={team.role} />
      </div>
      {seen && repos.data && repos.data.repositories.length > 0 && <Usage team={team.slug} />}
      {repos.error && <ErrorNote>{describeError(repos.error)}</ErrorNote>}
      {!repos.data && !repos.error && <p className="text-sm text-slate-500">Loading…</p>}
      {repos.data && repos.data.repositories.length === 0 && (
        <p className="rounded-xl border border-dashed border-slate-300 p-5 text-sm text-slate-500">
          No images yet. Push one as <span className="font-mono">{`${registryHost}/${team.slug}/<repo>:<tag>`}</span>.
        </p>
      )}
      {repos.data && repos.data.repositories.length > 0 && <RepositoryTable team={team.slug} repos={repos.data.repositories} />}
    </section>
  );
}

/** True once the element has come near the viewport: usage reads manifests, so off-screen teams wait. */
function useSeen(ref: RefObject<HTMLElement | null>): boolean {
  const [seen, setSeen] = useState(false);
  useEffect(() => {
    const el = ref.current;
    if (!el || seen) return;
    if (typeof IntersectionObserver === "undefined") {
      setSeen(true);
      return;
    }
    const observer = new IntersectionObserver(
      (entries) => {
        if (entries.some((e) => e.isIntersecting)) setSeen(true);
      },
      { rootMargin: "200px" },
    );
    observer.observe(el);
    return () => observer.disconnect();
  }, [ref, seen]);
  return seen;
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

function Usage({ team }: { team: string }) {
  const usage = useApi(() => api("teamUsage", { params: { team } }), `usage:${team}`);
  if (usage.error) {
    return (
      <p className="mb-3 text-xs text-slate-400" data-testid="team-usage-error" title={describeError(usage.error)}>
        Storage usage is not available right now.
      </p>
    );
  }
  if (!usage.data) {
    return (
      <p className="mb-3 text-sm text-slate-400" data-testid="team-usage-loading">
        Storage: …
      </p>
    );
  }
  const u = usage.data;
  return (
    <p className="mb-3 text-sm text-slate-600" data-testid="team-usage" title={`${u.bytes} bytes in ${plural(u.layers, "layer", "layers")}`}>
      Storage: {formatBytes(u.bytes)} in {plural(u.repositories, "repository", "repositories")}, {plural(u.tags, "tag", "tags")}
    </p>
  );
}

function RepositoryTable({ team, repos }: { team: string; repos: Repository[] }) {
  return (
    <table className={tableClass} data-testid="repositories-table">
      <thead className={theadClass}>
        <tr>
          <th className="px-4 py-3">Repository</th>
          <th className="px-4 py-3">Visibility</th>
          <th className="px-4 py-3 text-right">Tags</th>
          <th className="px-4 py-3 text-right">Pulls</th>
          <th className="px-4 py-3 text-right">Stars</th>
          <th className="px-4 py-3">Updated</th>
        </tr>
      </thead>
      <tbody className="divide-y divide-slate-100">
        {repos.map((r) => (
          <tr key={r.fullName} data-repository={r.fullName}>
            <td className="px-4 py-3">
              <Link href={repoHref(team, r.name)} className="font-medium text-indigo-600 hover:text-indigo-500">
                {r.fullName}
              </Link>
              {r.description && <div className="mt-0.5 line-clamp-1 text-xs text-slate-500">{r.description}</div>}
            </td>
            <td className="px-4 py-3">
              <VisibilityBadge isPublic={r.public} />
            </td>
            <td className="px-4 py-3 text-right tabular-nums" data-testid="tag-count">
              {r.tagCount}
            </td>
            <td className="px-4 py-3 text-right tabular-nums">{r.pullCount}</td>
            <td className="px-4 py-3 text-right tabular-nums" data-testid="star-count">
              {r.stars}
            </td>
            <td className="px-4 py-3 text-slate-500">
              <When iso={r.updatedAt} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Explore({ registryHost, myTeams }: { registryHost: string; myTeams: Set<string> }) {
  const [q, setQ] = useState("");
  const results = useApi(() => api("explore", { query: { q } }), `explore:${q}`);

  function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setQ(String(new FormData(e.currentTarget).get("q") ?? "").trim());
  }

  return (
    <section aria-labelledby="explore" className="space-y-4">
      <div>
        <h2 id="explore" className="text-lg font-semibold">
          Explore public images
        </h2>
        <p className="text-sm text-slate-500">Public repositories of every team on this instance; anyone signed in can pull them.</p>
      </div>
      <search>
        <form onSubmit={submit} className="flex max-w-xl items-end gap-2">
          <label className="block flex-1">
            <span className="sr-only">Search public images</span>
            <input name="q" type="search" maxLength={100} placeholder="Search by name, team or description" className={inputClass} />
          </label>
          <button type="submit" className={primaryButton}>
            Search
          </button>
        </form>
      </search>
      {results.error && <ErrorNote>{describeError(results.error)}</ErrorNote>}
      {results.data && results.data.repositories.length === 0 && (
        <p className="text-sm text-slate-500" data-testid="explore-empty">
          {q ? `No public repository matches “${q}”.` : "No public repositories yet."}
        </p>
      )}
      {results.data && results.data.repositories.length > 0 && (
        <ul className={`divide-y divide-slate-200 ${card}`} data-testid="explore-results" aria-busy={results.loading}>
          {results.data.repositories.map((r) => {
            const [team = "", ...rest] = r.fullName.split("/");
            const mine = myTeams.has(team);
            return (
              <li key={r.fullName} className="space-y-2 px-5 py-3">
                <div className="min-w-0">
                  {mine ? (
                    <Link href={repoHref(team, rest.join("/"))} className="font-medium text-indigo-600 hover:text-indigo-500">
                      {r.fullName}
                    </Link>
                  ) : (
                    <span className="font-medium">{r.fullName}</span>
                  )}
                  {r.description && <p className="line-clamp-2 text-sm text-slate-500">{r.description}</p>}
                  <p className="text-xs text-slate-500">
                    {r.tagCount} {r.tagCount === 1 ? "tag" : "tags"} · {r.pullCount} {r.pullCount === 1 ? "pull" : "pulls"} · {plural(r.stars, "star", "stars")}{" "}
                    · updated <When iso={r.updatedAt} />
                  </p>
                </div>
                <div className="max-w-2xl">
                  <CopyCommand label={`pull command for ${r.fullName}`} command={`docker pull ${registryHost}/${r.fullName}`} />
                </div>
              </li>
            );
          })}
        </ul>
      )}
      {results.data?.repositories.length === EXPLORE_LIMIT && (
        <p className="text-sm text-slate-500">Showing the {EXPLORE_LIMIT} most pulled matches; search for a name to narrow them down.</p>
      )}
    </section>
  );
}
