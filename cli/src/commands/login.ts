// berth login / logout / whoami: the saved login and who it belongs to.
import { TOKEN_PREFIX, tokenFormat } from "@berth/core";
import type { CallResult } from "../api-client.ts";
import { type Context, defineCommand } from "../command.ts";
import { deleteConfig, readConfig, writeConfig } from "../config.ts";
import { CliError, EXIT, UsageError } from "../errors.ts";
import { promptHidden, readLine } from "../prompt.ts";
import { isPlainHttpToRemote, normalizeUrl } from "../url.ts";

async function readToken(ctx: Context): Promise<string> {
  if (ctx.stdin.isTTY) return promptHidden("Access token (input hidden): ", ctx.stdin, { write: (s) => ctx.out.ask(s) });
  return readLine(ctx.stdin);
}

export const login = defineCommand({
  path: ["login"],
  summary: "Log in to a Berth instance with an access token",
  details: [
    "Create a token in the dashboard or with `berth tokens create`. The token is taken from --token, else",
    "BERTH_TOKEN, else asked for (input hidden), or read as the first line of stdin when stdin is a pipe.",
    "It is checked against the API before the URL and token are saved (config file mode 600).",
    "Prefer the prompt or a pipe over --token: command lines are visible to other users and kept in history.",
  ].join("\n"),
  args: ["url"],
  options: {
    token: { type: "string", value: "token", help: `the access token (${TOKEN_PREFIX}...)` },
  },
  async run(ctx, { args, flags }) {
    const url = normalizeUrl(args.url);
    const token = (flags.token ?? ctx.env.token ?? (await readToken(ctx))).trim();
    if (!token) throw new UsageError("no access token given", "pass --token, set BERTH_TOKEN, or type or pipe it on stdin");
    if (!tokenFormat.test(token)) {
      throw new CliError(`that is not a Berth access token (expected ${TOKEN_PREFIX} followed by 40 letters and digits)`, { exitCode: EXIT.unauthenticated });
    }
    if (isPlainHttpToRemote(url)) ctx.out.warn(`${url} is plain HTTP: the token crosses the network unencrypted`);

    let me: CallResult<"me">;
    try {
      me = await ctx.client(url, token).call("me");
    } catch (err) {
      if (err instanceof CliError && err.exitCode === EXIT.unauthenticated) {
        throw new CliError(`${url} refused the token: ${err.message}`, {
          exitCode: EXIT.unauthenticated,
          hint: "nothing was saved; create a new token and try again",
        });
      }
      throw err;
    }
    await writeConfig(ctx.env.configPath, { url, token });

    if (ctx.out.json) ctx.out.printJson(me.raw);
    else ctx.out.line(`Logged in to ${url} as ${me.data.user.email}`);
    const scopes = me.data.scopes ?? [];
    if (!scopes.includes("admin")) {
      ctx.out.note(`note: this token's scopes (${scopes.join(", ")}) do not include "admin", which team, member and token commands need`);
    }
    if (ctx.env.url && ctx.env.url !== url) ctx.out.warn(`BERTH_URL is set to ${ctx.env.url} and overrides the saved URL`);
    if (ctx.env.token && ctx.env.token !== token) ctx.out.warn("BERTH_TOKEN is set and overrides the saved token");
  },
});

export const logout = defineCommand({
  path: ["logout"],
  summary: "Forget the saved login (the token itself stays valid until revoked)",
  args: [],
  options: {},
  async run(ctx) {
    const saved = await readConfig(ctx.env.configPath).catch(() => null);
    const removed = await deleteConfig(ctx.env.configPath);
    if (!ctx.out.json) ctx.out.line(!removed ? "Not logged in." : saved ? `Logged out of ${saved.url}.` : "Logged out.");
    if (ctx.env.token) ctx.out.note("note: BERTH_TOKEN is still set in this environment");
  },
});

export const whoami = defineCommand({
  path: ["whoami"],
  summary: "Show the user, token scopes and teams of the current login",
  args: [],
  options: {},
  async run(ctx) {
    const api = await ctx.api();
    const { data, raw } = await api.call("me");
    if (ctx.out.json) return ctx.out.printJson(raw);
    const { user, teams, scopes } = data;
    ctx.out.fields([
      ["URL", api.url],
      ["User", `${user.email} (${user.name})${user.role === "admin" ? ", instance admin" : ""}`],
      ["Via", data.via === "token" ? `access token with scopes ${scopes?.join(", ") || "none"}` : "browser session"],
      ["Teams", teams.map((t) => `${t.slug} (${t.role})`).join(", ") || "none"],
    ]);
  },
});
