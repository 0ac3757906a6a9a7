// berth hosts: the Linux hosts that run containers, and whether they are alive.
import { defineCommand } from "../command.ts";
import { CliError } from "../errors.ts";
import { type Column, formatBytes, formatTime } from "../output.ts";

// ROUTES.listHosts declares no response schema yet, so the shape is checked here.
type Host = {
  id: string;
  hostname: string;
  dockerVersion: string;
  cpus: number;
  memoryBytes: number;
  freeMemoryBytes: number;
  address: string;
  draining: boolean;
  lastHeartbeatAt: string;
  online: boolean;
};

const FIELDS: Record<keyof Host, "string" | "number" | "boolean"> = {
  id: "string",
  hostname: "string",
  dockerVersion: "string",
  cpus: "number",
  memoryBytes: "number",
  freeMemoryBytes: "number",
  address: "string",
  draining: "boolean",
  lastHeartbeatAt: "string",
  online: "boolean",
};

export function parseHosts(body: unknown): Host[] {
  const hosts = (body as { hosts?: unknown } | null)?.hosts;
  const ok =
    Array.isArray(hosts) &&
    hosts.every((h) => typeof h === "object" && h !== null && Object.entries(FIELDS).every(([k, t]) => typeof (h as Record<string, unknown>)[k] === t));
  if (!ok) throw new CliError("unexpected response to GET /api/v1/hosts; the server and this CLI may be different versions");
  return hosts as Host[];
}

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
    const { raw } = await (await ctx.api()).call("listHosts");
    if (ctx.out.json) return ctx.out.printJson(raw);
    ctx.out.table(columns, parseHosts(raw), "No hosts have registered.");
  },
});
