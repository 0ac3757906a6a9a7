// berth tokens ...: your personal access tokens (for this CLI, CI, `docker login`).
import { type Reply, SCOPES } from "@berth/core";
import { defineCommand } from "../command.ts";
import { UsageError } from "../errors.ts";
import { type Column, formatTime } from "../output.ts";

type Token = Reply<"listTokens">["tokens"][number];

export function tokenStatus(t: Token, now = Date.now()): string {
  if (t.revokedAt) return "revoked";
  if (t.expiresAt && Date.parse(t.expiresAt) <= now) return "expired";
  return "active";
}

const columns: Column<Token>[] = [
  { header: "id", value: (t) => t.id },
  { header: "name", value: (t) => t.name },
  { header: "prefix", value: (t) => t.prefix },
  { header: "scopes", value: (t) => t.scopes.join(",") },
  { header: "status", value: (t) => tokenStatus(t) },
  { header: "expires", value: (t) => formatTime(t.expiresAt, "never") },
  { header: "last used", value: (t) => formatTime(t.lastUsedAt, "never") },
  { header: "created", value: (t) => formatTime(t.createdAt) },
];

export const list = defineCommand({
  path: ["tokens", "list"],
  summary: "List your access tokens (never their secrets)",
  args: [],
  options: {},
  async run(ctx) {
    const { data, raw } = await (await ctx.api()).call("listTokens");
    if (ctx.out.json) return ctx.out.printJson(raw);
    ctx.out.table(columns, data.tokens, "No access tokens.");
  },
});

export const create = defineCommand({
  path: ["tokens", "create"],
  summary: "Create an access token; its secret is printed once",
  details: [
    "Scopes: registry:read (pull), registry:write (push and pull), apps:deploy, admin (everything, including",
    "teams, members and tokens). Tokens expire after 90 days unless --expires-in-days or --no-expiry says otherwise.",
  ].join("\n"),
  args: [],
  options: {
    name: { type: "string", value: "name", required: true, help: "what the token is for, e.g. ci-deploy" },
    scope: { type: "list", value: "scope", required: true, choices: SCOPES, help: "a scope to grant; repeat for several" },
    "expires-in-days": { type: "int", value: "n", help: "days until it expires (1-3650, default 90)" },
    "no-expiry": { type: "boolean", help: "never expires (revoke it when done)" },
  },
  async run(ctx, { flags }) {
    const days = flags["expires-in-days"];
    if (days !== undefined && flags["no-expiry"]) throw new UsageError("use --expires-in-days or --no-expiry, not both");
    const expiresInDays = flags["no-expiry"] ? null : days;
    const body = { name: flags.name, scopes: [...new Set(flags.scope)], ...(expiresInDays !== undefined ? { expiresInDays } : {}) };
    const { data, raw } = await (await ctx.api()).call("createToken", { body });
    if (ctx.out.json) return ctx.out.printJson(raw);
    const { token, secret } = data;
    ctx.out.line(`Created token "${token.name}" (id ${token.id}, scopes ${token.scopes.join(", ")}, expires ${formatTime(token.expiresAt, "never")}).`);
    ctx.out.line("Copy the secret now: it is shown only this once and cannot be retrieved later.");
    ctx.out.line();
    ctx.out.line(`  ${secret}`);
    ctx.out.line();
  },
});

export const revoke = defineCommand({
  path: ["tokens", "revoke"],
  summary: "Revoke an access token; it stops working at once",
  args: ["id"],
  options: {},
  async run(ctx, { args }) {
    await (await ctx.api()).call("revokeToken", { params: { id: args.id } });
    if (!ctx.out.json) ctx.out.line(`Revoked token ${args.id}.`);
  },
});

export const tokens = [list, create, revoke];
