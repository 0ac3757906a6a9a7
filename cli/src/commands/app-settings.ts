// berth env / scale / domains: an app's environment, size and host names. On a live app each
// change becomes a new release at once.
import type { Reply } from "@berth/core";
import { defineCommand } from "../command.ts";
import { UsageError } from "../errors.ts";
import { type Column, sanitize } from "../output.ts";
import { parseAppRef } from "./app-ref.ts";

type EnvVar = Reply<"setEnv">["env"][number];
type Change = { deployment: Reply<"setEnv">["deployment"] };

const envColumns: Column<EnvVar>[] = [
  { header: "key", value: (e) => e.key },
  { header: "value", value: (e) => (e.secret ? "<secret>" : (e.value ?? "")) },
];

/** `set A=1 B=2 unset C` -> what to set and unset; words switch the mode, the first must be one. */
export function parseEnvWords(words: readonly string[]): { set: Record<string, string>; unset: string[] } {
  const set: Record<string, string> = {};
  const unset: string[] = [];
  let mode: "set" | "unset" | null = null;
  for (const w of words) {
    if (w === "set" || w === "unset") {
      mode = w;
      continue;
    }
    if (mode === null) throw new UsageError(`expected "set" or "unset" before "${w}"`, "run `berth env --help`");
    if (mode === "unset") {
      unset.push(w);
      continue;
    }
    const eq = w.indexOf("=");
    if (eq <= 0) throw new UsageError(`"${w}" is not KEY=VALUE`, "run `berth env --help`");
    set[w.slice(0, eq)] = w.slice(eq + 1);
  }
  if (mode !== null && Object.keys(set).length === 0 && unset.length === 0) throw new UsageError(`"${mode}" needs at least one variable`);
  return { set, unset };
}

const changeNote = (c: Change) =>
  c.deployment ? `The live app gets a new release: deployment ${c.deployment.id} is ${c.deployment.status}.` : "Takes effect with the next deployment.";

export const env = defineCommand({
  path: ["env"],
  summary: "Show an app's env vars, or set and unset them",
  details: [
    "  berth env acme/web                          list (secret values are never shown)",
    "  berth env acme/web set A=1 B=two            set plain values",
    "  berth env acme/web set DB_PASSWORD=… --secret   set secrets (encrypted at rest)",
    "  berth env acme/web unset A B                remove",
  ].join("\n"),
  args: ["team/app"],
  rest: { value: "[set KEY=VALUE...] [unset KEY...]" },
  options: { secret: { type: "boolean", help: "the values set are secrets: encrypted at rest, never shown again" } },
  async run(ctx, { args, flags, rest }) {
    const ref = parseAppRef(args["team/app"]);
    const { set, unset } = parseEnvWords(rest);
    if (flags.secret && Object.keys(set).length === 0) throw new UsageError("--secret goes with set KEY=VALUE");
    const api = await ctx.api();
    if (Object.keys(set).length === 0 && unset.length === 0) {
      // Reading needs only apps.read, so it goes through the app, not the env route.
      const { data } = await api.call("getApp", { params: ref });
      if (ctx.out.json) return ctx.out.printJson({ env: data.env });
      return ctx.out.table(envColumns, data.env, `${args["team/app"]} has no env vars.`);
    }
    const body = { set: Object.fromEntries(Object.entries(set).map(([k, value]) => [k, { value, secret: flags.secret }])), unset };
    const { data, raw } = await api.call("setEnv", { params: ref, body });
    if (ctx.out.json) return ctx.out.printJson(raw);
    ctx.out.table(envColumns, data.env, `${args["team/app"]} has no env vars.`);
    ctx.out.note(changeNote(data));
  },
});

export const scale = defineCommand({
  path: ["scale"],
  summary: "Set how many replicas an app runs",
  args: ["team/app", "replicas"],
  options: {},
  async run(ctx, { args }) {
    const ref = parseAppRef(args["team/app"]);
    if (!/^\d{1,3}$/.test(args.replicas)) throw new UsageError(`"${args.replicas}" is not a number of replicas`);
    const { data, raw } = await (await ctx.api()).call("updateApp", { params: ref, body: { config: { replicas: Number(args.replicas) } } });
    if (ctx.out.json) return ctx.out.printJson(raw);
    ctx.out.line(`${args["team/app"]} runs ${data.app.config.replicas} replica(s). ${changeNote(data)}`);
  },
});

export const domains = defineCommand({
  path: ["domains"],
  summary: "List an app's host names, or add and remove custom ones",
  details: "  berth domains acme/web\n  berth domains acme/web add shop.example.com\n  berth domains acme/web remove shop.example.com",
  args: ["team/app"],
  rest: { value: "[add|remove <hostname>]" },
  options: {},
  async run(ctx, { args, rest }) {
    const ref = parseAppRef(args["team/app"]);
    const api = await ctx.api();
    const [verb, hostname, extra] = rest;
    if (verb !== undefined && ((verb !== "add" && verb !== "remove") || !hostname || extra !== undefined)) {
      throw new UsageError("use `berth domains <team>/<app>`, or add or remove one host name", "run `berth domains --help`");
    }
    if (verb === "add" && hostname) {
      const { raw } = await api.call("addDomain", { params: ref, body: { hostname } });
      if (ctx.out.json) return ctx.out.printJson(raw);
    } else if (verb === "remove" && hostname) {
      await api.call("removeDomain", { params: { ...ref, hostname } });
    }
    const { data, raw } = await api.call("getApp", { params: ref });
    if (ctx.out.json) return ctx.out.printJson(verb ? { domains: data.domains } : raw);
    ctx.out.line(`${data.url} (default)`);
    for (const d of data.domains) ctx.out.line(sanitize(d));
  },
});

export const appSettings = [env, scale, domains];
