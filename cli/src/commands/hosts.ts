// berth hosts: the Linux hosts that run containers, and whether they are alive.
import type { Reply } from "@berth/core";
import { defineCommand } from "../command.ts";
import { type Column, formatBytes, formatTime } from "../output.ts";

type Host = Reply<"listHosts">["hosts"][number];

const columns: Column<Host>[] = [
  { header: "id", value: (h) => h.id },
  { header: "hostname", value: (h) => h.hostname },
  { header: "state", value: (h) => (!h.online ? "offline" : h.draining ? "draining" : "online") },
  { header: "cpus", value: (h) => String(h.cpus), align: "right" },
  { header: "memory", value: (h) => formatBytes(h.memoryBytes), align: "right" },
  { header: "free", value: (h) => formatBytes(h.freeMemoryBytes), align: "right" },
  { header: "docker", value: (h) => h.dockerVersion },
  { header: "last heartbeat", value: (h) => formatTime(h.lastHeartbeatAt) },
];

export const hosts = defineCommand({
  path: ["hosts"],
  summary: "List the registered hosts and their capacity",
  args: [],
  options: {},
  async run(ctx) {
    const { data, raw } = await (await ctx.api()).call("listHosts");
    if (ctx.out.json) return ctx.out.printJson(raw);
    ctx.out.table(columns, data.hosts, "No hosts have registered.");
  },
});
