// One invocation of the CLI: parse the command line, run the command, turn any failure into
// `error: ...` on stderr and an exit code. Takes its streams and environment as arguments.
import { readFileSync } from "node:fs";
import { ApiClient } from "./api-client.ts";
import { parseCommandLine } from "./args.ts";
import type { Context, Stdin } from "./command.ts";
import { COMMANDS } from "./commands/index.ts";
import { type Credentials, credentials, type Environment, readConfig } from "./config.ts";
import { CliError, describeFailure, EXIT } from "./errors.ts";
import { renderHelp } from "./help.ts";
import { Output } from "./output.ts";

type Sink = { write(chunk: string): unknown };
export type Io = { stdin: Stdin; stdout: Sink; stderr: Sink; fetch?: typeof fetch; onInterrupt?: (handler: () => void) => () => void };

export const VERSION: string = (JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string }).version;

export async function run(argv: readonly string[], io: Io, env: Environment): Promise<number> {
  let login: Credentials | undefined;
  try {
    const parsed = parseCommandLine(argv, COMMANDS);
    switch (parsed.kind) {
      case "version":
        io.stdout.write(`berth ${VERSION}\n`);
        return EXIT.ok;
      case "help": {
        const text = `${renderHelp(parsed.topic, COMMANDS, VERSION)}\n`;
        if (!parsed.error) {
          io.stdout.write(text);
          return EXIT.ok;
        }
        io.stderr.write(`error: ${parsed.error}\n\n${text}`);
        return EXIT.usage;
      }
      case "run": {
        const out = new Output(io.stdout, io.stderr, parsed.json);
        const fetch = io.fetch ?? globalThis.fetch;
        const client = (url: string, token: string) => new ApiClient({ url, token, fetch, userAgent: `berth-cli/${VERSION}` });
        const ctx: Context = {
          out,
          env,
          stdin: io.stdin,
          onInterrupt: io.onInterrupt ?? (() => () => {}),
          client,
          async api() {
            // With both variables set the saved login is not needed, even if the file is broken.
            const saved = env.url && env.token ? null : await readConfig(env.configPath, (m) => out.warn(m));
            login = credentials(env, saved);
            return client(login.url, login.token);
          },
        };
        await parsed.command.run(ctx, { args: parsed.args, flags: parsed.flags, rest: parsed.rest });
        return EXIT.ok;
      }
    }
  } catch (err) {
    const failure = describeFailure(err);
    // An empty message: the command has already said everything (e.g. Ctrl-C while following a deploy).
    if (failure.message) io.stderr.write(`error: ${failure.message}\n`);
    const hint = failure.hint ?? (failure.exitCode === EXIT.unauthenticated && login ? reLoginHint(login) : undefined);
    if (hint) io.stderr.write(`hint: ${hint}\n`);
    if (env.debug && !(err instanceof CliError) && err instanceof Error && err.stack) io.stderr.write(`${err.stack}\n`);
    return failure.exitCode;
  }
}

const reLoginHint = (login: Credentials) =>
  login.tokenFrom === "BERTH_TOKEN"
    ? "the token comes from BERTH_TOKEN: set a valid one, or unset it to use the saved login"
    : `log in again with a valid token: berth login ${login.url}`;
