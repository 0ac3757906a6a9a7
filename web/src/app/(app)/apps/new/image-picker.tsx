"use client";
// Lists the images an app can run: the team's repositories and tags, and Berth's base images.
import { useState } from "react";
import { secondaryButton } from "@/components/ui";
import { api, describeError } from "@/lib/api-client";
import { useApi } from "@/lib/use-api";
import { useRetry } from "@/lib/use-retry";

/** The namespace of the base images setup pushes (infra/seed). */
const BASE_NAMESPACE = "berth";
/**
 * The base images setup always pushes. `berth/` is not a team, so members of other teams may not
 * list it through the repositories API; these are offered when that listing is refused.
 */
const SEEDED_BASE_IMAGES = [
  { repo: "busybox", tags: ["latest"] },
  { repo: "node", tags: ["20"] },
];

type Option = { repo: string; tags: string[] | undefined };

export function ImagePicker({ team, registryHost, onPick }: { team: string; registryHost: string; onPick: (ref: string) => void }) {
  const [open, setOpen] = useState(false);
  return (
    <div>
      <button type="button" className={secondaryButton} onClick={() => setOpen(!open)} aria-expanded={open}>
        {open ? "Hide images" : "Pick an image"}
      </button>
      {open && (
        <div className="mt-2 grid gap-3 rounded-lg border border-slate-200 bg-slate-50 p-3 sm:grid-cols-2" data-testid="image-picker">
          <Namespace namespace={team} title={`${team}’s repositories`} registryHost={registryHost} onPick={onPick} />
          <Namespace namespace={BASE_NAMESPACE} title="Base images" registryHost={registryHost} onPick={onPick} fallback={SEEDED_BASE_IMAGES} />
        </div>
      )}
    </div>
  );
}

function Namespace(props: { namespace: string; title: string; registryHost: string; onPick: (ref: string) => void; fallback?: Option[] }) {
  const repos = useApi(() => api("listRepositories", { params: { team: props.namespace } }), `repos:${props.namespace}`);
  useRetry(repos);
  const options: Option[] | undefined = repos.data
    ? repos.data.repositories.map((r) => ({ repo: r.name, tags: undefined }))
    : repos.error && props.fallback
      ? props.fallback
      : undefined;
  return (
    <section aria-label={props.title} data-testid={`picker-${props.namespace}`}>
      <h3 className="mb-1 text-xs font-semibold uppercase tracking-wide text-slate-500">{props.title}</h3>
      {repos.error && !props.fallback && <p className="text-sm text-red-700">{describeError(repos.error)}</p>}
      {!options && !repos.error && <p className="text-sm text-slate-500">Loading…</p>}
      {options?.length === 0 && <p className="text-sm text-slate-500">No repositories yet.</p>}
      <ul className="space-y-1">
        {options?.map((o) => (
          <Repository key={o.repo} namespace={props.namespace} option={o} registryHost={props.registryHost} onPick={props.onPick} />
        ))}
      </ul>
    </section>
  );
}

function Repository(props: { namespace: string; option: Option; registryHost: string; onPick: (ref: string) => void }) {
  const { namespace, option } = props;
  const [expanded, setExpanded] = useState(false);
  return (
    <li>
      <button type="button" className="font-mono text-sm text-indigo-700 hover:underline" onClick={() => setExpanded(!expanded)} aria-expanded={expanded}>
        {namespace}/{option.repo}
      </button>
      {expanded &&
        (option.tags ? (
          <TagList tags={option.tags} {...props} />
        ) : (
          <LoadedTags namespace={namespace} repo={option.repo} registryHost={props.registryHost} onPick={props.onPick} />
        ))}
    </li>
  );
}

function LoadedTags(props: { namespace: string; repo: string; registryHost: string; onPick: (ref: string) => void }) {
  const detail = useApi(() => api("getRepository", { params: { team: props.namespace, repo: props.repo } }), `repo:${props.namespace}/${props.repo}`);
  useRetry(detail);
  if (detail.error) return <p className="ml-3 text-sm text-red-700">{describeError(detail.error)}</p>;
  if (!detail.data) return <p className="ml-3 text-sm text-slate-500">Loading tags…</p>;
  if (detail.data.tags.length === 0) return <p className="ml-3 text-sm text-slate-500">No tags.</p>;
  return (
    <TagList
      tags={detail.data.tags.map((t) => t.name)}
      namespace={props.namespace}
      option={{ repo: props.repo, tags: undefined }}
      registryHost={props.registryHost}
      onPick={props.onPick}
    />
  );
}

function TagList({
  tags,
  namespace,
  option,
  registryHost,
  onPick,
}: {
  tags: string[];
  namespace: string;
  option: Option;
  registryHost: string;
  onPick: (ref: string) => void;
}) {
  return (
    <ul className="ml-3 flex flex-wrap gap-1 py-1">
      {tags.map((tag) => {
        const ref = `${registryHost}/${namespace}/${option.repo}:${tag}`;
        return (
          <li key={tag}>
            <button
              type="button"
              onClick={() => onPick(ref)}
              aria-label={`Use ${namespace}/${option.repo}:${tag}`}
              className="rounded-md border border-slate-300 bg-white px-2 py-0.5 font-mono text-xs text-slate-700 hover:border-indigo-400"
            >
              {tag}
            </button>
          </li>
        );
      })}
    </ul>
  );
}
