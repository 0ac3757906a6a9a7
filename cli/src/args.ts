// The command line -> which command to run with which arguments, or help, or the version.
// Every mistake becomes a UsageError (exit 2) that names the problem and the help to read.
import { parseArgs } from "node:util";
import { type Command, GLOBAL_OPTIONS, type Options } from "./command.ts";
import { UsageError } from "./errors.ts";

export type Parsed =
  /** `error` is set when help is shown because something was missing (exit 2). */
  | { kind: "help"; topic: readonly string[]; error?: string }
  | { kind: "version" }
  | { kind: "run"; command: Command; args: Record<string, string>; rest: string[]; flags: Record<string, unknown>; json: boolean };

const same = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((w, i) => b[i] === w);
const startsWith = (path: readonly string[], prefix: readonly string[]) => prefix.every((w, i) => path[i] === w);
const isFlag = (a: string) => a.startsWith("-") && a !== "-";

export function parseCommandLine(argv: readonly string[], commands: readonly Command[]): Parsed {
  if (argv[0] === "help") return helpTopic(argv.slice(1), commands);

  // Leading words name the command (`teams create`); flags may sit among them. The longest
  // match wins, so `hosts` and `hosts drain` can both be commands.
  const words: string[] = [];
  const rest: string[] = [];
  let i = 0;
  for (; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === "--") break;
    if (isFlag(a)) {
      rest.push(a);
      continue;
    }
    if (!commands.some((c) => startsWith(c.path, [...words, a]))) break;
    words.push(a);
  }
  rest.push(...argv.slice(i));

  const command = commands.find((c) => same(c.path, words));
  if (!command) return incomplete(words, rest, commands);

  const options = { ...toParseArgs(command.options), ...toParseArgs(GLOBAL_OPTIONS) };
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: rest, options, strict: true, allowPositionals: true });
  } catch (err) {
    throw new UsageError(describeParseError(err), helpHint(command.path));
  }
  const { values, positionals } = parsed;
  if (values.help) return { kind: "help", topic: command.path };

  const args: Record<string, string> = {};
  command.args.forEach((name, n) => {
    const v = positionals[n];
    if (v === undefined) throw new UsageError(`missing <${name}>`, helpHint(command.path));
    args[name] = v;
  });
  const extra = positionals.slice(command.args.length);
  if (extra.length > 0 && !command.rest) throw new UsageError(`unexpected argument "${extra[0]}"`, helpHint(command.path));

  return { kind: "run", command, args, rest: extra, flags: checkFlags(command, values), json: values.json === true };
}

/** No command matched all the words: a group without its subcommand, a typo, or bare `berth`. */
function incomplete(words: string[], rest: string[], commands: readonly Command[]): Parsed {
  const wantsHelp = rest.includes("--help") || rest.includes("-h");
  const unknown = rest.find((a) => !isFlag(a) && a !== "--");
  if (unknown !== undefined) {
    const choices = [...new Set(commands.filter((c) => startsWith(c.path, words)).map((c) => c.path[words.length] as string))];
    const name = [...words, unknown].join(" ");
    const guess = closest(unknown, choices);
    throw new UsageError(`unknown command "${name}"`, guess ? `did you mean "berth ${[...words, guess].join(" ")}"?` : helpHint(words));
  }
  if (words.length === 0 && rest.includes("--version")) return { kind: "version" };
  if (wantsHelp) return { kind: "help", topic: words };
  const flag = rest.find((a) => a !== "--");
  if (flag) throw new UsageError(`unknown option ${flag.split("=")[0]}`, helpHint(words));
  return { kind: "help", topic: words, error: words.length ? `missing command after "berth ${words.join(" ")}"` : "missing command" };
}

function helpTopic(words: readonly string[], commands: readonly Command[]): Parsed {
  const topic = words.filter((w) => !isFlag(w));
  if (!commands.some((c) => startsWith(c.path, topic))) throw new UsageError(`unknown command "${topic.join(" ")}"`, helpHint([]));
  return { kind: "help", topic };
}

function toParseArgs(options: Options) {
  return Object.fromEntries(
    Object.entries(options).map(([name, o]) => [
      name,
      o.type === "boolean"
        ? { type: "boolean" as const, ...(o.short ? { short: o.short } : {}) }
        : { type: "string" as const, multiple: o.type === "list", ...("short" in o && o.short ? { short: o.short } : {}) },
    ]),
  );
}

/** Required options, choices and numbers; returns every option with a value (booleans default to false). */
function checkFlags(command: Command, values: Record<string, unknown>): Record<string, unknown> {
  const flags: Record<string, unknown> = {};
  const hint = helpHint(command.path);
  for (const [name, o] of Object.entries(command.options)) {
    const v = values[name];
    const absent = v === undefined || v === false || (Array.isArray(v) && v.length === 0);
    if (absent && o.required) throw new UsageError(o.missing ?? `missing --${name}`, hint);
    switch (o.type) {
      case "boolean":
        flags[name] = v === true;
        break;
      case "int":
        if (v === undefined) break;
        if (typeof v !== "string" || !/^\d{1,9}$/.test(v)) throw new UsageError(`--${name} must be a whole number, not "${String(v)}"`, hint);
        flags[name] = Number(v);
        break;
      case "string":
      case "list":
        for (const item of Array.isArray(v) ? v : v === undefined ? [] : [v]) {
          if (o.choices && !o.choices.includes(item as string)) throw new UsageError(`--${name} must be one of ${o.choices.join(", ")}; not "${item}"`, hint);
        }
        flags[name] = v;
        break;
    }
  }
  return flags;
}

/** node:util's messages are long and mention things a user cannot act on; keep the gist. */
function describeParseError(err: unknown): string {
  const e = err as { code?: string; message?: string };
  const option = e.message?.match(/'(-{1,2}[^'\s<=]+)/)?.[1] ?? "";
  switch (e.code) {
    case "ERR_PARSE_ARGS_UNKNOWN_OPTION":
      return `unknown option ${option}`;
    case "ERR_PARSE_ARGS_INVALID_OPTION_VALUE":
      if (e.message?.includes("does not take an argument")) return `${option} does not take a value`;
      if (e.message?.includes("ambiguous")) return `${option} needs a value (write ${option}=VALUE for a value that starts with "-")`;
      return `${option} needs a value`;
    default:
      return e.message ?? String(err);
  }
}

const helpHint = (path: readonly string[]) => `run \`berth ${[...path, "--help"].join(" ")}\``;

/** The candidate within two edits of `word`, if there is one. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: { c: string; d: number } | undefined;
  for (const c of candidates) {
    const d = distance(word, c);
    if (d <= 2 && (!best || d < best.d)) best = { c, d };
  }
  return best?.c;
}

function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min((prev[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length] ?? 0;
}
