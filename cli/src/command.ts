// How a command is declared: its words, positional arguments and options, and a run function
// whose `args` and `flags` are typed from that declaration. Parsing and help read the same data.
import type { ApiClient } from "./api-client.ts";
import type { Environment } from "./config.ts";
import type { Output } from "./output.ts";

export type OptionSpec =
  /** A required boolean is a confirmation (`--yes`); `missing` says why it is needed. */
  | { type: "boolean"; help: string; short?: string; required?: boolean; missing?: string }
  | { type: "string"; help: string; value: string; short?: string; required?: boolean; missing?: string; choices?: readonly string[] }
  /** Repeatable: `--scope a --scope b`. */
  | { type: "list"; help: string; value: string; required?: boolean; missing?: string; choices?: readonly string[] }
  /** A positive whole number; the API checks the range. */
  | { type: "int"; help: string; value: string; short?: string; required?: boolean; missing?: string };

export type Options = Record<string, OptionSpec>;

type Choice<O> = O extends { choices: readonly (infer C extends string)[] } ? C : string;
type ValueOf<O extends OptionSpec> = O extends { type: "list" } ? Choice<O>[] : O extends { type: "int" } ? number : Choice<O>;

export type Flags<O extends Options> = {
  [K in keyof O]: O[K] extends { type: "boolean" } ? boolean : O[K] extends { required: true } ? ValueOf<O[K]> : ValueOf<O[K]> | undefined;
};

export type Stdin = NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (raw: boolean) => unknown };

export type Context = {
  out: Output;
  env: Environment;
  stdin: Stdin;
  /** Runs `handler` on Ctrl-C (instead of exiting) until the returned function is called. */
  onInterrupt(handler: () => void): () => void;
  /** A client for the saved (or BERTH_URL/BERTH_TOKEN) login; fails with exit 3 when there is none. */
  api(): Promise<ApiClient>;
  /** A client for a login that is not saved yet (`berth login`). */
  client(url: string, token: string): ApiClient;
};

export type CommandSpec<A extends readonly string[], O extends Options> = {
  /** The words after `berth`: `["teams", "create"]`. */
  path: readonly string[];
  summary: string;
  /** More text for `berth <command> --help`. */
  details?: string;
  /** Required positional arguments, in order. */
  args: A;
  /** Any further positional arguments (`berth env acme/web set A=1 B=2`, `berth run acme/web -- ls -l`). */
  rest?: { value: string };
  options: O;
  run(ctx: Context, input: { args: Record<A[number], string>; flags: Flags<O>; rest: string[] }): Promise<void>;
};

export type Command = {
  path: readonly string[];
  summary: string;
  details?: string;
  args: readonly string[];
  rest?: { value: string };
  options: Options;
  run(ctx: Context, input: { args: Record<string, string>; flags: Record<string, unknown>; rest: string[] }): Promise<void>;
};

/** Declares a command; the parser guarantees `args` and `flags` match the declaration. */
export const defineCommand = <const A extends readonly string[], const O extends Options>(spec: CommandSpec<A, O>): Command => spec as unknown as Command;

/** Options every command accepts. */
export const GLOBAL_OPTIONS = {
  json: { type: "boolean", help: "print the API's JSON instead of a table (for scripts)" },
  help: { type: "boolean", short: "h", help: "show help for the command" },
} as const satisfies Options;

/** `teams create <slug> --name <name>`; with `optional`, the optional flags in brackets too. */
export const synopsis = (c: Command, opts: { optional: boolean }): string => {
  const parts = [...c.path, ...c.args.map((a) => `<${a}>`)];
  if (c.rest) parts.push(c.rest.value);
  for (const [name, o] of Object.entries(c.options)) {
    if (!o.required && !opts.optional) continue;
    const flag = o.type === "boolean" ? `--${name}` : o.type === "list" ? `--${name} <${o.value}>...` : `--${name} <${o.value}>`;
    parts.push(o.required ? flag : `[${flag}]`);
  }
  return parts.join(" ");
};

export const usageLine = (c: Command): string => `berth ${synopsis(c, { optional: true })}`;
