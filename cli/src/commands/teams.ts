// berth teams ...: the teams you belong to.
import type { Reply } from "@berth/core";
import { defineCommand } from "../command.ts";
import { type Column, formatTime } from "../output.ts";

type Team = Reply<"getTeam">;

const columns: Column<Team>[] = [
  { header: "slug", value: (t) => t.slug },
  { header: "name", value: (t) => t.name },
  { header: "role", value: (t) => t.role },
  { header: "personal", value: (t) => (t.personal ? "yes" : "") },
  { header: "created", value: (t) => formatTime(t.createdAt) },
];

const fields = (t: Team) =>
  [
    ["Slug", t.slug],
    ["Name", t.name],
    ["Your role", t.role],
    ["Personal", t.personal ? "yes" : "no"],
    ["Created", formatTime(t.createdAt)],
    ["ID", t.id],
  ] as const;

export const list = defineCommand({
  path: ["teams", "list"],
  summary: "List the teams you belong to",
  args: [],
  options: {},
  async run(ctx) {
    const { data, raw } = await (await ctx.api()).call("listTeams");
    if (ctx.out.json) return ctx.out.printJson(raw);
    ctx.out.table(columns, data.teams, "You belong to no team yet; create one with `berth teams create <slug> --name <name>`.");
  },
});

export const create = defineCommand({
  path: ["teams", "create"],
  summary: "Create a team; you become its owner",
  details: "The slug names the team in URLs and image paths: 2-39 lowercase letters, digits and inner dashes.",
  args: ["slug"],
  options: { name: { type: "string", value: "name", required: true, help: "the team's display name" } },
  async run(ctx, { args, flags }) {
    const { data, raw } = await (await ctx.api()).call("createTeam", { body: { slug: args.slug, name: flags.name } });
    if (ctx.out.json) return ctx.out.printJson(raw);
    ctx.out.line(`Created team ${data.slug} ("${data.name}"); you are its ${data.role}.`);
  },
});

export const show = defineCommand({
  path: ["teams", "show"],
  summary: "Show a team",
  args: ["team"],
  options: {},
  async run(ctx, { args }) {
    const { data, raw } = await (await ctx.api()).call("getTeam", { params: { team: args.team } });
    if (ctx.out.json) return ctx.out.printJson(raw);
    ctx.out.fields(fields(data));
  },
});

export const rename = defineCommand({
  path: ["teams", "rename"],
  summary: "Change a team's display name (the slug stays)",
  args: ["team"],
  options: { name: { type: "string", value: "name", required: true, help: "the new display name" } },
  async run(ctx, { args, flags }) {
    const { data, raw } = await (await ctx.api()).call("updateTeam", { params: { team: args.team }, body: { name: flags.name } });
    if (ctx.out.json) return ctx.out.printJson(raw);
    ctx.out.line(`Renamed team ${data.slug} to "${data.name}".`);
  },
});

export const remove = defineCommand({
  path: ["teams", "delete"],
  summary: "Delete a team and everything in it (owners only)",
  args: ["team"],
  options: {
    yes: {
      type: "boolean",
      required: true,
      missing: "deleting a team removes its apps, images and members for good; add --yes to confirm",
      help: "confirm the deletion",
    },
  },
  async run(ctx, { args }) {
    await (await ctx.api()).call("deleteTeam", { params: { team: args.team } });
    if (!ctx.out.json) ctx.out.line(`Deleted team ${args.team}.`);
  },
});

export const leave = defineCommand({
  path: ["teams", "leave"],
  summary: "Leave a team",
  args: ["team"],
  options: {},
  async run(ctx, { args }) {
    await (await ctx.api()).call("leaveTeam", { params: { team: args.team } });
    if (!ctx.out.json) ctx.out.line(`Left team ${args.team}.`);
  },
});

export const teams = [list, create, show, rename, remove, leave];
