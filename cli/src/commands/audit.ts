// berth audit <team>: who did what in a team, newest first.
import type { Reply } from "@berth/core";
import { defineCommand } from "../command.ts";
import { type Column, formatTime } from "../output.ts";

type AuditEvent = Reply<"teamAudit">["events"][number];

const columns: Column<AuditEvent>[] = [
  { header: "time", value: (e) => formatTime(e.createdAt) },
  { header: "actor", value: (e) => e.actor ?? "-" },
  { header: "action", value: (e) => e.action },
  { header: "target", value: (e) => e.target ?? "" },
  { header: "from", value: (e) => e.ipAddress ?? "" },
];

export const audit = defineCommand({
  path: ["audit"],
  summary: "Show a team's audit log, newest first",
  args: ["team"],
  options: {
    limit: { type: "int", value: "n", help: "how many events (1-500, default 100)" },
    before: { type: "string", value: "time", help: "only events before this ISO time, to page back" },
  },
  async run(ctx, { args, flags }) {
    const { data, raw } = await (await ctx.api()).call("teamAudit", { params: { team: args.team }, query: { limit: flags.limit, before: flags.before } });
    if (ctx.out.json) return ctx.out.printJson(raw);
    ctx.out.table(columns, data.events, "No events.");
    const last = data.events.at(-1);
    if (last && data.events.length === (flags.limit ?? 100)) ctx.out.note(`more: berth audit ${args.team} --before ${last.createdAt}`);
  },
});
