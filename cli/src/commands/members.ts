// berth members ...: who is in a team and with which role.
import { type Reply, ROLES } from "@berth/core";
import type { ApiClient } from "../api-client.ts";
import { defineCommand } from "../command.ts";
import { CliError, EXIT, UsageError } from "../errors.ts";
import { type Column, formatTime } from "../output.ts";

type Member = Reply<"listMembers">["members"][number];

const columns: Column<Member>[] = [
  { header: "user id", value: (m) => m.userId },
  { header: "email", value: (m) => m.email },
  { header: "name", value: (m) => m.name },
  { header: "username", value: (m) => m.username ?? "" },
  { header: "role", value: (m) => m.role },
  { header: "joined", value: (m) => formatTime(m.joinedAt) },
];

const MEMBER_ARG = "Name the member by user id (see `berth members list`) or by email address.";

/** A member named by email becomes a user id; an id is passed through untouched. */
async function memberId(api: ApiClient, team: string, who: string): Promise<string> {
  if (!who.includes("@")) return who;
  const { data } = await api.call("listMembers", { params: { team } });
  const found = data.members.find((m) => m.email.toLowerCase() === who.toLowerCase());
  if (!found) throw new CliError(`${who} is not a member of ${team}`, { exitCode: EXIT.notFound, code: "NOT_FOUND" });
  return found.userId;
}

export const list = defineCommand({
  path: ["members", "list"],
  summary: "List a team's members and their roles",
  args: ["team"],
  options: {},
  async run(ctx, { args }) {
    const { data, raw } = await (await ctx.api()).call("listMembers", { params: { team: args.team } });
    if (ctx.out.json) return ctx.out.printJson(raw);
    ctx.out.table(columns, data.members, "No members.");
  },
});

export const setRole = defineCommand({
  path: ["members", "set-role"],
  summary: "Change a member's role",
  details: `${MEMBER_ARG}\nRoles, highest first: ${ROLES.join(", ")}.`,
  args: ["team", "member", "role"],
  options: {},
  async run(ctx, { args }) {
    const role = ROLES.find((r) => r === args.role);
    if (!role) throw new UsageError(`"${args.role}" is not a role; use one of ${ROLES.join(", ")}`);
    const api = await ctx.api();
    const userId = await memberId(api, args.team, args.member);
    const { data, raw } = await api.call("updateMember", { params: { team: args.team, userId }, body: { role } });
    if (ctx.out.json) return ctx.out.printJson(raw);
    ctx.out.line(`${data.email} is now ${data.role} of ${args.team}.`);
  },
});

export const remove = defineCommand({
  path: ["members", "remove"],
  summary: "Remove a member from a team",
  details: MEMBER_ARG,
  args: ["team", "member"],
  options: {},
  async run(ctx, { args }) {
    const api = await ctx.api();
    const userId = await memberId(api, args.team, args.member);
    await api.call("removeMember", { params: { team: args.team, userId } });
    if (!ctx.out.json) ctx.out.line(`Removed ${args.member} from ${args.team}.`);
  },
});

export const members = [list, setRole, remove];
