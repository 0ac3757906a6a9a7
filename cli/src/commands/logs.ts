// berth logs <team>/<app>: an app's runtime log (history, search, --follow), or with --build a
// deployment's build and deploy log.
import type { AppLogLine } from "@berth/core";
import type { ApiClient } from "../api-client.ts";
import { type Context, defineCommand } from "../command.ts";
import { credentials, readConfig } from "../config.ts";
import { UsageError } from "../errors.ts";
import { type AppRef, parseAppRef, resolveDeploymentId } from "./app-ref.ts";
import { follow } from "./follow.ts";
import { followAppLog } from "./follow-app-log.ts";
import { formatLogLine, parseTimeArg, terminalSafe } from "./log-text.ts";

const DEFAULT_TAIL = 100;
/** A deployment's log is read in pages of this many lines, at most this many pages. */
const BUILD_PAGE = 5_000;
const MAX_BUILD_PAGES = 100;

export const logs = defineCommand({
  path: ["logs"],
  summary: "Show an app's runtime log (or a build's with --build); --follow for new lines",
  details: [
    "Lines print as `<local time> <replica> <text>`; stderr lines are marked [stderr].",
    "Colours are shown only on a terminal; other escape sequences in a line are removed.",
    "--since/--until take a duration before now (30s, 10m, 1h, 2d) or an ISO date.",
  ].join("\n"),
  args: ["team/app"],
  options: {
    follow: { type: "boolean", short: "f", help: "keep printing new lines until Ctrl-C" },
    tail: { type: "int", short: "n", value: "N", help: `how many of the newest lines to show first (default ${DEFAULT_TAIL})` },
    since: { type: "string", value: "time", help: "only lines written at or after this time" },
    until: { type: "string", value: "time", help: "only lines written at or before this time" },
    grep: { type: "string", value: "text", help: "only lines containing this text (case-insensitive)" },
    container: { type: "string", value: "name", help: "only lines of this container (name or Docker id)" },
    build: { type: "string", value: "deployment-id", help: "show this deployment's build and deploy log instead" },
  },
  async run(ctx, { args, flags }) {
    const ref = parseAppRef(args["team/app"]);
    const api = await ctx.api();
    if (flags.build !== undefined) return buildLog(ctx, api, ref, flags.build, flags.follow, flags.tail);

    const since = flags.since === undefined ? undefined : timeArg("--since", flags.since);
    const until = flags.until === undefined ? undefined : timeArg("--until", flags.until);
    if (flags.follow && until) throw new UsageError("--until and --follow do not go together");
    const tail = flags.tail ?? DEFAULT_TAIL;
    if (tail < 1 || tail > 5000) throw new UsageError("--tail must be between 1 and 5000");
    const filters = { since, until, q: flags.grep, container: flags.container };
    const colour = ctx.out.isTTY && !ctx.out.json;
    const print = (line: AppLogLine) => (ctx.out.json ? ctx.out.line(JSON.stringify(line)) : ctx.out.line(formatLogLine(line, colour)));

    // Where following starts: the newest line of the whole log, taken before the filtered history,
    // so a line written in between is either in the history or comes after the cursor.
    const start = flags.follow ? (await api.call("listAppLogs", { params: ref, query: { limit: 1 } })).data.lines.at(-1)?.id : undefined;
    const { data, raw } = await api.call("listAppLogs", { params: ref, query: { ...filters, limit: tail } });
    if (!flags.follow) {
      if (ctx.out.json) return ctx.out.printJson(raw);
      for (const line of data.lines) print(line);
      return;
    }
    for (const line of data.lines) print(line);
    const lastShown = data.lines.at(-1)?.id;
    const after = [start, lastShown]
      .filter((c): c is string => c !== undefined)
      .sort(byCursor)
      .at(-1);

    const { data: app } = await api.call("getApp", { params: ref });
    const saved = ctx.env.url && ctx.env.token ? null : await readConfig(ctx.env.configPath);
    const login = credentials(ctx.env, saved);
    const q = flags.grep?.toLowerCase();
    await followAppLog(ctx, api, {
      url: login.url,
      token: login.token,
      appId: app.id,
      ref,
      after,
      query: filters,
      matches: (line) =>
        (!q || line.text.toLowerCase().includes(q)) &&
        (!flags.container || line.container === flags.container || line.replica === flags.container) &&
        (!since || Date.parse(line.ts) >= Date.parse(since)),
      print,
    });
  },
});

function timeArg(flag: string, text: string): string {
  const iso = parseTimeArg(text);
  if (!iso) throw new UsageError(`${flag} takes a duration like 10m, 1h, 2d or an ISO date, not "${text}"`);
  return iso;
}

const byCursor = (a: string, b: string) => {
  const [am = 0n, as = 0n] = a.split("-").map(BigInt);
  const [bm = 0n, bs = 0n] = b.split("-").map(BigInt);
  return am === bm ? (as < bs ? -1 : as > bs ? 1 : 0) : am < bm ? -1 : 1;
};

async function buildLog(ctx: Context, api: ApiClient, ref: AppRef, idText: string, follows: boolean, tail: number | undefined): Promise<void> {
  const id = await resolveDeploymentId(api, ref, idText);
  const { data: deployment } = await api.call("getDeployment", { params: { ...ref, id } });
  if (follows) return follow(ctx, api, ref, deployment);
  const colour = ctx.out.isTTY && !ctx.out.json;
  const lines: { id: string; ts: string; text: string }[] = [];
  let after: string | undefined;
  for (let page = 0; page < MAX_BUILD_PAGES; page++) {
    const { data } = await api.call("getDeploymentLog", { params: { ...ref, id }, query: { after, limit: BUILD_PAGE } });
    lines.push(...data.lines);
    after = data.lines.at(-1)?.id ?? after;
    if (data.lines.length < BUILD_PAGE) break;
  }
  const shown = tail === undefined ? lines : lines.slice(-tail);
  if (ctx.out.json) return ctx.out.printJson({ lines: shown, status: deployment.status });
  for (const line of shown) ctx.out.line(terminalSafe(line.text, colour));
}
