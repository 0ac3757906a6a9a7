// berth images ...: the team's repositories and tags in Berth's registry.
import type { Reply } from "@berth/core";
import { defineCommand } from "../command.ts";
import { UsageError } from "../errors.ts";
import { type Column, formatBytes, formatTime } from "../output.ts";

type Repo = Reply<"listRepositories">["repositories"][number];
type Tag = Reply<"getRepository">["tags"][number];

/** `team/repo` (or `team/group/repo`) -> its parts. */
function splitRepository(ref: string): { team: string; repo: string } {
  const i = ref.indexOf("/");
  if (i <= 0 || i === ref.length - 1) throw new UsageError(`"${ref}" is not <team>/<repository>`);
  return { team: ref.slice(0, i), repo: ref.slice(i + 1) };
}

const repoColumns: Column<Repo>[] = [
  { header: "repository", value: (r) => r.fullName },
  { header: "visibility", value: (r) => (r.public ? "public" : "private") },
  { header: "tags", value: (r) => String(r.tagCount), align: "right" },
  { header: "pulls", value: (r) => String(r.pullCount), align: "right" },
  { header: "stars", value: (r) => String(r.stars), align: "right" },
  { header: "updated", value: (r) => formatTime(r.updatedAt) },
];

const tagColumns: Column<Tag>[] = [
  { header: "tag", value: (t) => t.name },
  { header: "digest", value: (t) => t.digest.slice(0, 19) },
  { header: "size", value: (t) => formatBytes(t.sizeBytes), align: "right" },
  { header: "platform", value: (t) => [t.os, t.architecture].filter(Boolean).join("/") },
  { header: "pushed", value: (t) => formatTime(t.pushedAt) },
  { header: "by", value: (t) => t.pushedBy ?? "-" },
  { header: "pulls", value: (t) => String(t.pullCount), align: "right" },
];

export const list = defineCommand({
  path: ["images", "list"],
  summary: "List a team's image repositories",
  args: ["team"],
  options: {},
  async run(ctx, { args }) {
    const { data, raw } = await (await ctx.api()).call("listRepositories", { params: { team: args.team } });
    if (ctx.out.json) return ctx.out.printJson(raw);
    ctx.out.table(repoColumns, data.repositories, `No images in ${args.team} yet; push one with docker push <registry>/${args.team}/<name>:<tag>.`);
  },
});

export const tags = defineCommand({
  path: ["images", "tags"],
  summary: "List a repository's tags (digest, compressed size, platform, pushes, pulls)",
  args: ["repository"],
  options: {},
  async run(ctx, { args }) {
    const { team, repo } = splitRepository(args.repository);
    const { data, raw } = await (await ctx.api()).call("getRepository", { params: { team, repo } });
    if (ctx.out.json) return ctx.out.printJson(raw);
    ctx.out.line(`${data.fullName} (${data.public ? "public" : "private"}) — ${data.pullCommand}`);
    ctx.out.table(tagColumns, data.tags, "No tags.");
  },
});

export const deleteTag = defineCommand({
  path: ["images", "delete-tag"],
  summary: "Delete a tag (other tags of the same image stay)",
  args: ["repository", "tag"],
  options: { yes: { type: "boolean", required: true, missing: "deleting a tag cannot be undone; add --yes to confirm", help: "confirm the deletion" } },
  async run(ctx, { args }) {
    const { team, repo } = splitRepository(args.repository);
    await (await ctx.api()).call("deleteTag", { params: { team, repo, tag: args.tag } });
    if (!ctx.out.json) ctx.out.line(`Deleted ${team}/${repo}:${args.tag}.`);
  },
});

export const visibility = defineCommand({
  path: ["images", "visibility"],
  summary: "Make a repository public or private (team admins and owners)",
  args: ["repository", "visibility"],
  options: {},
  async run(ctx, { args }) {
    const { team, repo } = splitRepository(args.repository);
    if (args.visibility !== "public" && args.visibility !== "private")
      throw new UsageError(`visibility must be "public" or "private", not "${args.visibility}"`);
    const { data, raw } = await (await ctx.api()).call("updateRepository", { params: { team, repo }, body: { public: args.visibility === "public" } });
    if (ctx.out.json) return ctx.out.printJson(raw);
    ctx.out.line(`${data.fullName} is now ${data.public ? "public" : "private"}.`);
  },
});

export const explore = defineCommand({
  path: ["images", "explore"],
  summary: "Search public repositories across the instance",
  args: [],
  options: { query: { type: "string", value: "text", help: "match names and descriptions" } },
  async run(ctx, { flags }) {
    const { data, raw } = await (await ctx.api()).call("explore", { query: { q: flags.query ?? "" } });
    if (ctx.out.json) return ctx.out.printJson(raw);
    ctx.out.table(repoColumns, data.repositories, "No public repository matches.");
  },
});

export const images = [list, tags, deleteTag, visibility, explore];
