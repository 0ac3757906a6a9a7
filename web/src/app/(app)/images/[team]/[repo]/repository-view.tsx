"use client";
import { type imageTag, type Role, type repositoryDetail, roleHas } from "@berth/core";
import Link from "next/link";
import { type FormEvent, useState } from "react";
import type { z } from "zod";
import { ConfirmButton } from "@/components/confirm-button";
import { card, ErrorNote, PageHeader, primaryButton, secondaryButton, tableClass, theadClass, When } from "@/components/ui";
import { api, describeError } from "@/lib/api-client";
import { formatBytes } from "@/lib/format";
import { useApi } from "@/lib/use-api";
import { CopyCommand, Digest, platform, tagHref, VisibilityBadge } from "../../parts";

type Detail = z.infer<typeof repositoryDetail>;
type Tag = z.infer<typeof imageTag>;

export function RepositoryView({ team, repo }: { team: string; repo: string }) {
  const detail = useApi(() => api("getRepository", { params: { team, repo } }), `repo:${team}/${repo}`);
  // The repository answer carries no role; the team's tells which controls to offer.
  const membership = useApi(() => api("getTeam", { params: { team } }), `team:${team}`);

  if (detail.error) {
    const missing = detail.error.code === "NOT_FOUND";
    return (
      <div className="max-w-3xl">
        <Breadcrumb team={team} />
        <PageHeader title={missing ? "Repository not found" : `${team}/${repo}`} />
        <ErrorNote>{missing ? `There is no repository “${team}/${repo}”, or you are not a member of ${team}.` : describeError(detail.error)}</ErrorNote>
      </div>
    );
  }
  // Wait for the role too, so controls do not pop in after the page has drawn.
  if (!detail.data || (!membership.data && !membership.error)) return <p className="text-slate-500">Loading…</p>;
  const d = detail.data;
  const role = membership.data?.role;
  return (
    <div className="max-w-6xl space-y-8">
      <div>
        <Breadcrumb team={team} />
        <div className="flex flex-wrap items-start justify-between gap-4">
          <PageHeader
            className=""
            title={
              <span className="flex flex-wrap items-center gap-3">
                <span data-testid="repository-title">{d.fullName}</span>
                <VisibilityBadge isPublic={d.public} />
              </span>
            }
          >
            <span className="text-sm">
              {d.tagCount} {d.tagCount === 1 ? "tag" : "tags"} · {d.pullCount} {d.pullCount === 1 ? "pull" : "pulls"} · updated <When iso={d.updatedAt} />
            </span>
          </PageHeader>
          {/* Keyed by the loaded answer: a reload of the page's data resets the button to it. */}
          <StarButton key={`${d.starred}:${d.stars}`} team={team} repo={d.name} starred={d.starred} stars={d.stars} />
        </div>
      </div>
      <div className="grid gap-6 lg:grid-cols-[1fr_24rem]">
        <Description team={team} repo={d} canEdit={role !== undefined && roleHas(role, "images.visibility")} onSaved={detail.reload} />
        <div className="space-y-6">
          <section aria-labelledby="pull" className={`space-y-3 p-5 ${card}`}>
            <h2 id="pull" className="font-semibold">
              Pull this image
            </h2>
            <CopyCommand label="pull command" command={d.pullCommand} testId="pull-command" />
          </section>
          <Visibility team={team} repo={d} role={role} onSaved={detail.reload} />
        </div>
      </div>
      <Tags team={team} repo={d} canDelete={role !== undefined && roleHas(role, "images.delete")} onDeleted={detail.reload} />
    </div>
  );
}

/** Star or unstar for the signed-in user; the count is everyone's stars, as the API last answered. */
function StarButton({ team, repo, ...initial }: { team: string; repo: string; starred: boolean; stars: number }) {
  const [state, setState] = useState(initial);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();

  async function toggle() {
    setBusy(true);
    setError(undefined);
    try {
      setState(await api(state.starred ? "unstarRepository" : "starRepository", { params: { team, repo } }));
    } catch (err) {
      setError(describeError(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="flex flex-col items-end gap-2">
      <div className="inline-flex overflow-hidden rounded-md border border-slate-300 bg-white text-sm shadow-sm" data-testid="star">
        <button
          type="button"
          onClick={toggle}
          disabled={busy}
          className="inline-flex items-center gap-1.5 px-3 py-1.5 font-medium text-slate-700 hover:bg-slate-50 disabled:cursor-not-allowed disabled:opacity-60"
        >
          <StarIcon filled={state.starred} />
          {state.starred ? "Unstar" : "Star"}
        </button>
        <span
          className="border-l border-slate-300 bg-slate-50 px-3 py-1.5 font-medium tabular-nums text-slate-700"
          title={`${state.stars} ${state.stars === 1 ? "star" : "stars"}`}
          aria-live="polite"
        >
          <span className="sr-only">Stars: </span>
          <span data-testid="star-count">{state.stars}</span>
        </span>
      </div>
      {error && <ErrorNote testId="star-error">{error}</ErrorNote>}
    </div>
  );
}

function StarIcon({ filled }: { filled: boolean }) {
  return (
    <svg
      viewBox="0 0 20 20"
      aria-hidden="true"
      className={`h-4 w-4 ${filled ? "fill-amber-400 stroke-amber-500" : "fill-none stroke-slate-500"}`}
      strokeWidth={1.5}
      strokeLinejoin="round"
    >
      <path d="M10 2.5l2.3 4.9 5.2.6-3.9 3.6 1.1 5.2L10 14.2l-4.7 2.6 1.1-5.2-3.9-3.6 5.2-.6z" />
    </svg>
  );
}

function Breadcrumb({ team }: { team: string }) {
  return (
    <nav aria-label="Breadcrumb" className="mb-2 text-sm text-slate-500">
      <Link href="/images" className="font-medium text-indigo-600 hover:text-indigo-500">
        Images
      </Link>
      <span aria-hidden> / </span>
      <span className="font-mono">{team}</span>
    </nav>
  );
}

function Description({ team, repo, canEdit, onSaved }: { team: string; repo: Detail; canEdit: boolean; onSaved: () => Promise<void> }) {
  const [editing, setEditing] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();

  async function save(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const description = String(new FormData(e.currentTarget).get("description") ?? "");
    setBusy(true);
    setError(undefined);
    try {
      await api("updateRepository", { params: { team, repo: repo.name }, body: { description } });
      await onSaved();
      setEditing(false);
    } catch (err) {
      setError(describeError(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section aria-labelledby="about" className={`p-5 lg:self-start ${card}`}>
      <div className="mb-3 flex items-center justify-between gap-3">
        <h2 id="about" className="font-semibold">
          Description
        </h2>
        {canEdit && !editing && (
          <button type="button" className={secondaryButton} onClick={() => setEditing(true)} aria-label="Edit description">
            Edit
          </button>
        )}
      </div>
      {editing ? (
        <form onSubmit={save} className="space-y-3">
          <label className="block">
            <span className="sr-only">Description</span>
            <textarea
              name="description"
              defaultValue={repo.description}
              maxLength={2000}
              rows={6}
              // biome-ignore lint/a11y/noAutofocus: the field appears because the user asked to edit it
              autoFocus
              className="w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm focus:border-indigo-500 focus:outline-none"
            />
          </label>
          {error && <ErrorNote testId="description-error">{error}</ErrorNote>}
          <div className="flex gap-2">
            <button type="submit" disabled={busy} className={primaryButton}>
              {busy ? "Saving…" : "Save description"}
            </button>
            <button type="button" disabled={busy} className={secondaryButton} onClick={() => setEditing(false)}>
              Cancel
            </button>
          </div>
        </form>
      ) : repo.description ? (
        <p className="whitespace-pre-wrap break-words text-sm text-slate-700" data-testid="description">
          {repo.description}
        </p>
      ) : (
        <p className="text-sm text-slate-400" data-testid="description">
          {canEdit ? "No description yet. Say what this image is for and how to run it." : "No description."}
        </p>
      )}
    </section>
  );
}

function Visibility({ team, repo, role, onSaved }: { team: string; repo: Detail; role: Role | undefined; onSaved: () => Promise<void> }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const canChange = role !== undefined && roleHas(role, "images.visibility");

  async function toggle() {
    setBusy(true);
    setError(undefined);
    try {
      await api("updateRepository", { params: { team, repo: repo.name }, body: { public: !repo.public } });
      await onSaved();
    } catch (err) {
      setError(describeError(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section aria-labelledby="visibility" className={`space-y-3 p-5 ${card}`}>
      <div className="flex items-center justify-between gap-3">
        <h2 id="visibility" className="font-semibold">
          Public
        </h2>
        {canChange && (
          <button
            type="button"
            role="switch"
            aria-checked={repo.public}
            aria-labelledby="visibility"
            aria-describedby="visibility-hint"
            disabled={busy}
            onClick={toggle}
            data-testid="visibility-switch"
            className={`relative inline-flex h-6 w-11 shrink-0 items-center rounded-full transition-colors focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 focus-visible:ring-offset-2 disabled:opacity-60 ${repo.public ? "bg-indigo-600" : "bg-slate-300"}`}
          >
            <span className={`inline-block h-5 w-5 rounded-full bg-white shadow transition-transform ${repo.public ? "translate-x-5" : "translate-x-0.5"}`} />
          </button>
        )}
      </div>
      <p id="visibility-hint" className="text-sm text-slate-500">
        {repo.public
          ? "Anyone can pull this image, even without logging in, and find it in Explore. Only members of the team can push."
          : `Only members of ${team} can pull this image.`}
        {!canChange && role !== undefined && " Team admins and owners can change this."}
      </p>
      {error && <ErrorNote testId="visibility-error">{error}</ErrorNote>}
    </section>
  );
}

function Tags({ team, repo, canDelete, onDeleted }: { team: string; repo: Detail; canDelete: boolean; onDeleted: () => Promise<void> }) {
  const [error, setError] = useState<string>();

  async function remove(tag: Tag) {
    setError(undefined);
    try {
      await api("deleteTag", { params: { team, repo: repo.name, tag: tag.name } });
    } catch (err) {
      setError(describeError(err));
    }
    // Reload either way: a failed delete may still have removed the tag from the registry.
    await onDeleted();
  }

  return (
    <section aria-labelledby="tags" className="space-y-3">
      <h2 id="tags" className="text-lg font-semibold">
        Tags
      </h2>
      {error && <ErrorNote testId="tag-error">{error}</ErrorNote>}
      {repo.tags.length === 0 ? (
        <p className="rounded-xl border border-dashed border-slate-300 p-5 text-sm text-slate-500">
          This repository has no tags left. Push one to use it again.
        </p>
      ) : (
        <div className="overflow-x-auto">
          <table className={tableClass} data-testid="tags-table">
            <thead className={theadClass}>
              <tr>
                <th className="px-4 py-3">Tag</th>
                <th className="px-4 py-3">Digest</th>
                <th className="px-4 py-3 text-right">Compressed size</th>
                <th className="px-4 py-3">OS/Arch</th>
                <th className="px-4 py-3">Pushed</th>
                <th className="px-4 py-3">Last pulled</th>
                <th className="px-4 py-3 text-right">Pulls</th>
                {canDelete && (
                  <th className="px-4 py-3">
                    <span className="sr-only">Actions</span>
                  </th>
                )}
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {repo.tags.map((t) => (
                <tr key={t.name} data-tag={t.name}>
                  <td className="px-4 py-3">
                    <Link href={tagHref(team, repo.name, t.name)} className="font-mono font-medium text-indigo-600 hover:text-indigo-500">
                      {t.name}
                    </Link>
                  </td>
                  <td className="px-4 py-3">
                    <Digest digest={t.digest} />
                  </td>
                  <td className="px-4 py-3 text-right tabular-nums" data-testid="tag-size" title={`${t.sizeBytes} bytes`}>
                    {formatBytes(t.sizeBytes)}
                  </td>
                  <td className="px-4 py-3 font-mono text-xs" data-testid="tag-platform">
                    {platform(t)}
                  </td>
                  <td className="px-4 py-3 text-slate-600">
                    <When iso={t.pushedAt} />
                    {t.pushedBy && <div className="text-xs text-slate-500">by {t.pushedBy}</div>}
                  </td>
                  <td className="px-4 py-3 text-slate-600">
                    <When iso={t.lastPulledAt} empty="never" />
                  </td>
                  <td className="px-4 py-3 text-right tabular-nums">{t.pullCount}</td>
                  {canDelete && (
                    <td className="px-4 py-3 text-right whitespace-nowrap">
                      <ConfirmButton
                        label="Delete"
                        ariaLabel={`Delete tag ${t.name}`}
                        question={`Delete ${t.name}?`}
                        confirmLabel="Yes, delete"
                        onConfirm={() => remove(t)}
                      />
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
