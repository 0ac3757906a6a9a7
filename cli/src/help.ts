// `berth --help`, `berth <group> --help` and `berth <command> --help`, all from the command table.
import { type Command, GLOBAL_OPTIONS, type Options, synopsis, usageLine } from "./command.ts";
import { renderTable } from "./output.ts";

const startsWith = (path: readonly string[], prefix: readonly string[]) => prefix.every((w, i) => path[i] === w);

const commandList = (commands: readonly Command[]) =>
  renderTable(
    [
      { header: "", value: (c: Command) => `  ${synopsis(c, { optional: false })}` },
      { header: "", value: (c: Command) => c.summary },
    ],
    commands,
  )
    .split("\n")
    .slice(1)
    .join("\n");

const optionList = (options: Options) =>
  renderTable(
    [
      {
        header: "",
        value: ([name, o]: [string, Options[string]]) => {
          const flag = `${"short" in o && o.short ? `-${o.short}, ` : ""}--${name}`;
          return `  ${o.type === "boolean" ? flag : `${flag} <${o.value}>`}`;
        },
      },
      {
        header: "",
        value: ([, o]: [string, Options[string]]) => ("choices" in o && o.choices ? `${o.help} (${o.choices.join(", ")})` : o.help),
      },
    ],
    Object.entries(options),
  )
    .split("\n")
    .slice(1)
    .join("\n");

const FOOTER = `Environment:
  BERTH_URL     use this Berth URL instead of the saved one
  BERTH_TOKEN   use this access token instead of the saved one
  BERTH_CONFIG  where the login is saved (default ~/.config/berth/config.json, mode 600)
  BERTH_DEBUG   print stack traces of unexpected failures

Exit codes:
  0  success
  1  the API refused the request, or could not be reached
  2  usage error: unknown command or option, missing argument
  3  not logged in, or the access token was rejected (expired, revoked, unknown)
  4  forbidden: your role or the token's scopes do not allow it
  5  not found: no such team, app, deployment, member or token (or not yours to see)`;

export function renderHelp(topic: readonly string[], commands: readonly Command[], version: string): string {
  const exact = commands.find((c) => c.path.length === topic.length && startsWith(c.path, topic));
  if (exact) {
    const parts = [`Usage: ${usageLine(exact)}`, "", exact.summary];
    if (exact.details) parts.push("", exact.details);
    const more = commands.filter((c) => c !== exact && startsWith(c.path, topic));
    if (more.length) parts.push("", "Related commands:", commandList(more));
    if (Object.keys(exact.options).length) parts.push("", "Options:", optionList(exact.options));
    parts.push("", "Global options:", optionList(GLOBAL_OPTIONS));
    return parts.join("\n");
  }
  const group = commands.filter((c) => startsWith(c.path, topic));
  if (topic.length > 0) {
    return [
      `Usage: berth ${topic.join(" ")} <command> [options]`,
      "",
      "Commands:",
      commandList(group),
      "",
      `Run \`berth ${topic.join(" ")} <command> --help\` for details.`,
    ].join("\n");
  }
  return [
    `berth ${version}: the command line for Berth, a self-hosted container platform`,
    "",
    "Usage: berth <command> [arguments] [options]",
    "",
    "Commands:",
    commandList(commands),
    "",
    "Global options:",
    optionList({ ...GLOBAL_OPTIONS, version: { type: "boolean", help: "print the CLI's version" } }),
    "",
    FOOTER,
    "",
    "Run `berth <command> --help` for a command's options. Times are shown in UTC.",
  ].join("\n");
}
