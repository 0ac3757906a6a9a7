"use client";
// The commands that deploy this app by `git push`, ready to copy. The address is the one the
// browser uses for the dashboard (git goes through the same front door).
import { useEffect, useState } from "react";
import { card } from "@/components/ui";
import type { App } from "../../parts";

export function GitPushCommands({ app }: { app: App }) {
  // Known only in the browser; the server renders the default front door first.
  const [origin, setOrigin] = useState("http://localhost:8080");
  useEffect(() => setOrigin(window.location.origin), []);
  const commands = [`git remote add berth ${origin}/git/${app.team}/${app.name}.git`, `git push berth ${app.deployBranch}`].join("\n");
  return (
    <section className={`${card} p-4`} data-testid="git-push-commands" aria-labelledby="git-push-title">
      <h2 id="git-push-title" className="text-sm font-semibold text-slate-800">
        Deploy with git push
      </h2>
      <p className="mt-1 text-sm text-slate-500">
        Sign in as your Berth user with a password or an access token with the <span className="font-mono">apps:deploy</span> scope. Pushes to{" "}
        <span className="font-mono">{app.deployBranch}</span> are built and deployed; the build log appears in your terminal, and a failed deploy rejects the
        push.
      </p>
      <pre className="mt-3 overflow-x-auto rounded-md bg-slate-900 px-3 py-2 font-mono text-xs text-slate-100" data-testid="git-push-command-text">
        {commands}
      </pre>
      <button
        type="button"
        className="mt-2 text-sm font-medium text-indigo-600 hover:text-indigo-500"
        onClick={() => void navigator.clipboard?.writeText(commands)}
      >
        Copy
      </button>
    </section>
  );
}
