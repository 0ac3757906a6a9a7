"use client";
// Pieces the image pages share: the visibility badge, shortened digests, a command with a copy button.
import { useId, useState } from "react";
import { Badge, secondaryButton } from "@/components/ui";

export function VisibilityBadge({ isPublic }: { isPublic: boolean }) {
  return (
    <span data-testid="visibility-badge">
      <Badge tone={isPublic ? "emerald" : "slate"}>{isPublic ? "public" : "private"}</Badge>
    </span>
  );
}

/** `sha256:0123456789ab…` → `sha256:0123456789ab`: enough to tell images apart at a glance. */
export function shortDigest(digest: string): string {
  const [algo, hex] = digest.split(":");
  return hex ? `${algo}:${hex.slice(0, 12)}` : digest.slice(0, 19);
}

export function Digest({ digest }: { digest: string }) {
  return (
    <span className="font-mono text-xs" title={digest} data-testid="digest">
      {shortDigest(digest)}
    </span>
  );
}

/** "linux/amd64"; a multi-platform index reads "multi/amd64,arm64". */
export function platform(t: { os: string | null; architecture: string | null }): string {
  if (!t.os && !t.architecture) return "—";
  return `${t.os ?? "?"}/${t.architecture ?? "?"}`;
}

/** The URL path of a repository page; names may hold "/", which must stay one path segment. */
export const repoHref = (team: string, repo: string) => `/images/${encodeURIComponent(team)}/${encodeURIComponent(repo)}`;
export const tagHref = (team: string, repo: string, tag: string) => `${repoHref(team, repo)}/tags/${encodeURIComponent(tag)}`;

/** A shell command in monospace with a copy button; `label` names it for screen readers. */
export function CopyCommand({ command, label, testId }: { command: string; label: string; testId?: string }) {
  const id = useId();
  const [copied, setCopied] = useState(false);
  return (
    <div className="flex items-start gap-2">
      <code
        id={id}
        data-testid={testId}
        className="min-w-0 flex-1 whitespace-pre-wrap break-all rounded-md border border-slate-200 bg-slate-50 px-3 py-2 font-mono text-sm text-slate-800"
      >
        {command}
      </code>
      <button
        type="button"
        className={secondaryButton}
        aria-label={copied ? `${label} copied` : `Copy ${label}`}
        onClick={async () => {
          try {
            await navigator.clipboard.writeText(command);
            setCopied(true);
            setTimeout(() => setCopied(false), 2000);
          } catch {
            // No clipboard outside a secure context: select the text for a manual copy instead.
            const el = document.getElementById(id);
            if (el) window.getSelection()?.selectAllChildren(el);
          }
        }}
      >
        {copied ? "Copied" : "Copy"}
      </button>
    </div>
  );
}
