// berth invitations ...: invite people to a team by link, and join one.
import { type Reply, ROLES } from "@berth/core";
import { defineCommand } from "../command.ts";
import { type Column, formatTime } from "../output.ts";

type Invitation = Reply<"listInvitations">["invitations"][number];

const columns: Column<Invitation>[] = [
  { header: "id", value: (i) => i.id },
  { header: "role", value: (i) => i.role },
  { header: "email", value: (i) => i.email ?? "(anyone with the link)" },
  { header: "expires", value: (i) => formatTime(i.expiresAt) },
  { header: "created", value: (i) => formatTime(i.createdAt) },
];

/** The token from an invitation link (`.../invite/<token>`), or the argument itself. */
export function invitationToken(arg: string): string {
  const m = arg.match(/\/invite\/([^/?#\s]+)/);
  return m?.[1] ? decodeURIComponent(m[1]) : arg.trim();
}

export const list = defineCommand({
  path: ["invitations", "list"],
  summary: "List a team's open invitations",
  args: ["team"],
  options: {},
  async run(ctx, { args }) {
    const { data, raw } = await (await ctx.api()).call("listInvitations", { params: { team: args.team } });
    if (ctx.out.json) return ctx.out.printJson(raw);
    ctx.out.table(columns, data.invitations, "No open invitations.");
  },
});

export const create = defineCommand({
  path: ["invitations", "create"],
  summary: "Invite someone to a team; prints the invitation link once",
  details: "Without --email, anyone holding the link can join with the role. The link is shown only now.",
  args: ["team"],
  options: {
    role: { type: "string", value: "role", required: true, choices: ROLES, help: "the role the invitee gets" },
    email: { type: "string", value: "email", help: "only this address may accept" },
    days: { type: "int", value: "n", help: "days until the link expires (1-30, default 7)" },
  },
  async run(ctx, { args, flags }) {
    const body = { role: flags.role, ...(flags.email ? { email: flags.email } : {}), ...(flags.days !== undefined ? { expiresInDays: flags.days } : {}) };
    const { data, raw } = await (await ctx.api()).call("createInvitation", { params: { team: args.team }, body });
    if (ctx.out.json) return ctx.out.printJson(raw);
    const who = data.invitation.email ? `for ${data.invitation.email}` : "for anyone with the link";
    ctx.out.line(`Invitation to ${args.team} as ${data.invitation.role}, ${who}, expires ${formatTime(data.invitation.expiresAt)}.`);
    ctx.out.line("Share this link; it is shown only now:");
    ctx.out.line();
    ctx.out.line(`  ${data.url}`);
    ctx.out.line();
    ctx.out.line(`Or accept from the CLI: berth invitations accept ${data.token}`);
  },
});

export const revoke = defineCommand({
  path: ["invitations", "revoke"],
  summary: "Revoke an open invitation",
  args: ["team", "id"],
  options: {},
  async run(ctx, { args }) {
    await (await ctx.api()).call("revokeInvitation", { params: { team: args.team, id: args.id } });
    if (!ctx.out.json) ctx.out.line(`Revoked invitation ${args.id}.`);
  },
});

export const accept = defineCommand({
  path: ["invitations", "accept"],
  summary: "Join a team with an invitation token or link",
  args: ["token"],
  options: {},
  async run(ctx, { args }) {
    const { data, raw } = await (await ctx.api()).call("acceptInvitation", { body: { token: invitationToken(args.token) } });
    if (ctx.out.json) return ctx.out.printJson(raw);
    ctx.out.line(`Joined team ${data.slug} ("${data.name}") as ${data.role}.`);
  },
});

export const invitations = [list, create, revoke, accept];
