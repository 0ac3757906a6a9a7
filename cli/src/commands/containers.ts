// berth containers / container <verb> / commit / run: the containers Berth runs for a team.
import type { Reply } from "@berth/core";
import { exitText } from "@berth/core/container-exit";
import { defineCommand } from "../command.ts";
import { CliError, UsageError } from "../errors.ts";
import { type Column, formatTime, sanitize } from "../output.ts";
import { parseAppRef } from "./app-ref.ts";

type Container = Reply<"listContainers">["containers"][number];

const columns: Column<Container>[] = [
  { header: "id", value: (c) => c.id },
  { header: "name", value: (c) => c.name },
  { header: "app", value: (c) => c.appName ?? "-" },
  { header: "release", value: (c) => (c.releaseVersion ? `v${c.releaseVersion}` : "-") },
  { header: "state", value: (c) => c.state },
  { header: "host", value: (c) => c.hostId },
  { header: "port", value: (c) => (c.hostPort ? String(c.hostPort) : "-"), align: "right" },
  { header: "restarts", value: (c) => String(c.restartCount), align: "right" },
  { header: "last exit", value: (c) => (c.lastExitAt ? exitText(c) : "-") },
  { header: "started", value: (c) => (c.lastStartedAt ? formatTime(c.lastStartedAt) : "-") },
  { header: "updated", value: (c) => formatTime(c.updatedAt) },
];

export const list = defineCommand({
  path: ["containers"],
  summary: "List a team's containers (all apps, or one with --app)",
  args: ["team"],
  options: { app: { type: "string", value: "app", help: "only this app's containers" } },
  async run(ctx, { args, flags }) {
    const { data, raw } = await (await ctx.api()).call("listContainers", { params: { team: args.team }, query: { app: flags.app } });
    if (ctx.out.json) return ctx.out.printJson(raw);
    ctx.out.table(columns, data.containers, "No containers.");
  },
});

const VERBS = ["start", "stop", "restart", "kill", "remove"] as const;
const PAST: Record<(typeof VERBS)[number], string> = { start: "Started", stop: "Stopped", restart: "Restarted", kill: "Killed", remove: "Removed" };
const SUMMARY: Record<(typeof VERBS)[number], string> = {
  start: "Start a stopped container",
  stop: "Stop a container (SIGTERM, then SIGKILL after 10 s)",
  restart: "Restart a container",
  kill: "Kill a container at once (SIGKILL)",
  remove: "Remove a container (its app's next deployment starts replicas again)",
};

export const verbs = VERBS.map((action) =>
  defineCommand({
    path: ["container", action],
    summary: `${SUMMARY[action]}; by id or name`,
    args: ["team", "container"],
    options: {},
    async run(ctx, { args }) {
      const { data, raw } = await (await ctx.api()).call("containerAction", { params: { team: args.team, id: args.container }, body: { action } });
      if (ctx.out.json) return ctx.out.printJson(raw);
      ctx.out.line(data ? `${PAST[action]} ${data.name}; it is ${data.state}.` : `${PAST[action]} ${args.container}.`);
    },
  }),
);

export const commit = defineCommand({
  path: ["commit"],
  summary: "Commit a container to an image in the team's registry namespace and push it",
  args: ["team", "container", "image"],
  options: {},
  async run(ctx, { args }) {
    const m = /^([a-z0-9-]+):([A-Za-z0-9_][A-Za-z0-9_.-]{0,127})$/.exec(args.image);
    if (!m?.[1] || !m[2]) throw new UsageError(`"${args.image}" is not <repository>:<tag> (the image goes to ${args.team}/<repository>)`);
    const { data, raw } = await (await ctx.api()).call("commitContainer", {
      params: { team: args.team, id: args.container },
      body: { repository: m[1], tag: m[2] },
      timeoutMs: 11 * 60_000,
    });
    if (ctx.out.json) return ctx.out.printJson(raw);
    ctx.out.line(`Pushed ${data.image}${data.digest ? ` (${data.digest})` : ""}.`);
  },
});

export const run = defineCommand({
  path: ["run"],
  summary: "Run a one-off command in a new container of the app's live release; prints its output",
  details: "  berth run acme/web -- node migrate.js --dry-run\nExits 0 when the command does; otherwise 1 with its exit code on stderr.",
  args: ["team/app"],
  rest: { value: "-- <command> [args...]" },
  options: { timeout: { type: "int", value: "seconds", help: "stop the command after this long (1-600, default 60)" } },
  async run(ctx, { args, flags, rest }) {
    const ref = parseAppRef(args["team/app"]);
    if (rest.length === 0) throw new UsageError("missing the command to run, after --", "run `berth run --help`");
    const timeoutS = flags.timeout ?? 60;
    const { data, raw } = await (await ctx.api()).call("runCommand", { params: ref, body: { cmd: rest, timeoutS }, timeoutMs: (timeoutS + 330) * 1000 });
    if (ctx.out.json) return ctx.out.printJson(raw);
    // The command's output, with control characters shown escaped like everything from the server.
    if (data.output) for (const line of data.output.replace(/\n$/, "").split("\n")) ctx.out.line(sanitize(line.replace(/\r$/, "")));
    if (data.timedOut) throw new CliError(`the command was stopped after ${timeoutS}s`);
    if (data.oomKilled) throw new CliError("the command ran out of memory (the app's memory limit)");
    if (data.exitCode !== 0) throw new CliError(`the command exited with code ${data.exitCode ?? "unknown"}`);
  },
});

export const containers = [list, ...verbs, commit, run];
