"use client";
// The terminal page: who may open one (containers.exec), which container, then the shell itself.
// The socket refuses a viewer too; this page only says so before trying.
import { roleHas } from "@berth/core";
import dynamic from "next/dynamic";
import { useState } from "react";
import { ErrorNote, PageHeader } from "@/components/ui";
import { api, describeError } from "@/lib/api-client";
import { useApi } from "@/lib/use-api";
import { AppBreadcrumb } from "../../../../../parts";

// xterm.js needs a browser (it measures fonts and the DOM as it loads).
const TerminalPane = dynamic(() => import("./terminal-pane"), { ssr: false, loading: () => <p className="text-sm text-slate-500">Loading the terminal…</p> });

export function TerminalView({ team, app, id }: { team: string; app: string; id: string }) {
  const membership = useApi(() => api("getTeam", { params: { team } }), `team:${team}`);
  const list = useApi(() => api("listContainers", { params: { team }, query: { app } }), `containers:${team}/${app}`);
  const [attempt, setAttempt] = useState(0);

  const header = (title: string) => (
    <>
      <AppBreadcrumb team={team} app={app} tab="containers" />
      <PageHeader title={title} className="mb-4" />
    </>
  );

  if (membership.error) {
    const missing = membership.error.code === "NOT_FOUND";
    return (
      <div className="max-w-3xl">
        {header("Terminal")}
        <ErrorNote testId="terminal-refused">
          {missing ? `There is no team “${team}”, or you are not a member of it.` : describeError(membership.error)}
        </ErrorNote>
      </div>
    );
  }
  if (!membership.data) return <p className="text-slate-500">Loading…</p>;
  const role = membership.data.role;
  if (!roleHas(role, "containers.exec")) {
    return (
      <div className="max-w-3xl">
        {header("Terminal")}
        <ErrorNote testId="terminal-refused">
          Your role in {team} ({role}) does not allow opening a terminal in its containers. Developers, admins and owners can.
        </ErrorNote>
      </div>
    );
  }
  if (list.error) {
    return (
      <div className="max-w-3xl">
        {header("Terminal")}
        <ErrorNote>{describeError(list.error)}</ErrorNote>
      </div>
    );
  }
  if (!list.data) return <p className="text-slate-500">Loading…</p>;
  const container = list.data.containers.find((c) => c.id === id);
  if (!container) {
    return (
      <div className="max-w-3xl">
        {header("Terminal")}
        <ErrorNote testId="terminal-refused">There is no such container of {app}; it may have been replaced by a newer deploy.</ErrorNote>
      </div>
    );
  }
  return (
    <div className="max-w-6xl space-y-3">
      {header(`Terminal · ${container.name}`)}
      <p className="text-sm text-slate-500">
        A shell (<code className="font-mono">/bin/sh</code>) in {container.name} on {container.hostId}. Opening and closing it is recorded in the team's audit
        log; it closes after 30 s without activity, or when you leave this page.
      </p>
      {container.state === "running" ? (
        <TerminalPane key={attempt} team={team} containerId={id} onRestart={() => setAttempt((a) => a + 1)} />
      ) : (
        <ErrorNote testId="terminal-refused">
          {container.name} is {container.state}: start it first to open a terminal.
        </ErrorNote>
      )}
    </div>
  );
}
