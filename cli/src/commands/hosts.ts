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

export const list = defineCommand({
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

type Container = Reply<"getHost">["containers"][number];
const containerColumns: Column<Container>[] = [
  { header: "name", value: (c) => c.name },
  { header: "team", value: (c) => c.team },
  { header: "app", value: (c) => c.appName ?? "-" },
  { header: "state", value: (c) => c.state },
  { header: "port", value: (c) => (c.hostPort ? String(c.hostPort) : "-"), align: "right" },
  { header: "image", value: (c) => c.image },
];

export const show = defineCommand({
  path: ["hosts", "show"],
  summary: "Show a host and every container Berth runs on it (instance admins)",
  args: ["host"],
  options: {},
  async run(ctx, { args }) {
    const { data, raw } = await (await ctx.api()).call("getHost", { params: { id: args.host } });
    if (ctx.out.json) return ctx.out.printJson(raw);
    ctx.out.table(columns, [data], "");
    ctx.out.line();
    ctx.out.table(containerColumns, data.containers, "No containers on this host.");
  },
});

const drainCommand = (draining: boolean) =>
  defineCommand({
    path: ["hosts", draining ? "drain" : "undrain"],
    summary: draining
      ? "Drain a host: no new replicas go there and its replicas move to other hosts (instance admins)"
      : "Put a drained host back in service (instance admins)",
    args: ["host"],
    options: {},
    async run(ctx, { args }) {
      const { data, raw } = await (await ctx.api()).call("drainHost", { params: { id: args.host }, body: { draining } });
      if (ctx.out.json) return ctx.out.printJson(raw);
      ctx.out.line(draining ? `Host ${data.id} is draining; its replicas are moving to other hosts.` : `Host ${data.id} is back in service.`);
    },
  });

export const hosts = [list, show, drainCommand(true), drainCommand(false)];
