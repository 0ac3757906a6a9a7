// berth registries ...: a team's credentials for other registries (ghcr.io, a company's registry),
// used when deploying their images. The password is read from stdin, sealed by Berth, never shown again.
import type { Reply } from "@berth/core";
import { defineCommand } from "../command.ts";
import { UsageError } from "../errors.ts";
import { type Column, formatTime } from "../output.ts";
import { readLine } from "../prompt.ts";

type Credential = Reply<"listRegistryCredentials">["registries"][number];

const columns: Column<Credential>[] = [
  { header: "host", value: (r) => r.host },
  { header: "username", value: (r) => r.username },
  { header: "added by", value: (r) => r.addedBy ?? "-" },
  { header: "added", value: (r) => formatTime(r.createdAt) },
];

export const list = defineCommand({
  path: ["registries", "list"],
  summary: "List a team's registry credentials (never their passwords)",
  args: ["team"],
  options: {},
  async run(ctx, { args }) {
    const { data, raw } = await (await ctx.api()).call("listRegistryCredentials", { params: { team: args.team } });
    if (ctx.out.json) return ctx.out.printJson(raw);
    ctx.out.table(columns, data.registries, "No registry credentials.");
  },
});

export const add = defineCommand({
  path: ["registries", "add"],
  summary: "Store a team's credential for a registry (replacing its old one), to deploy its private images",
  details: [
    "The password or token is read from stdin (--password-stdin), e.g.",
    "  echo $GHCR_TOKEN | berth registries add acme ghcr.io -u octocat --password-stdin",
    "Berth logs in to the registry with it first (a credential the registry refuses is not stored),",
    "seals it at rest and never shows it again. Images are then deployed by their full name:",
    "  berth deploy acme/web --image ghcr.io/acme/web:1",
  ].join("\n"),
  args: ["team", "host"],
  options: {
    username: { type: "string", short: "u", value: "user", required: true, help: "the registry user name" },
    "password-stdin": { type: "boolean", required: true, missing: "pass the password on stdin with --password-stdin", help: "read the password from stdin" },
  },
  async run(ctx, { args, flags }) {
    const password = (await readLine(ctx.stdin)).trim();
    if (!password) throw new UsageError("no password on stdin");
    const { data, raw } = await (await ctx.api()).call("addRegistryCredential", {
      params: { team: args.team },
      body: { host: args.host, username: flags.username, password },
    });
    if (ctx.out.json) return ctx.out.printJson(raw);
    ctx.out.line(`Logged in to ${data.registry.host}: stored the credential of ${data.registry.username} in team ${args.team}.`);
  },
});

export const remove = defineCommand({
  path: ["registries", "remove"],
  summary: "Remove a team's credential for a registry",
  args: ["team", "host"],
  options: {},
  async run(ctx, { args }) {
    const api = await ctx.api();
    const { data } = await api.call("listRegistryCredentials", { params: { team: args.team } });
    const found = data.registries.find((r) => r.host === args.host.toLowerCase());
    if (!found) throw new UsageError(`team ${args.team} has no credential for ${args.host}`);
    await api.call("removeRegistryCredential", { params: { team: args.team, id: found.id } });
    if (!ctx.out.json) ctx.out.line(`Removed the credential for ${found.host} from team ${args.team}.`);
  },
});

export const registries = [list, add, remove];
