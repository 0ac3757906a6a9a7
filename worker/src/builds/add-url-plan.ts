// Which `ADD <url>` steps of a Dockerfile the worker can fetch itself (fetch-add-sources.ts) and
// how the Dockerfile reads once they are local: each becomes a COPY of the fetched file from the
// build context, which keeps ADD's meaning for a URL (mode 0600; a destination ending in `/` gets
// the file's name; --chown kept). Only the plain form is taken: every source a literal http(s) URL,
// no variables, quotes or escapes; anything else stays as written and remote-add-sources.ts refuses
// it with its reason. Pure code: no network, no files.
import { asText, type Instruction, parseDockerfile } from "./parse-dockerfile.ts";
import { rewriteInstructions } from "./rewrite-dockerfile.ts";

/** Where fetched files go in the build context. */
export const ADD_DIR = ".berth-add";

export type AddUrlStep = {
  /** Index of the instruction in the parsed Dockerfile. */
  index: number;
  urls: string[];
  dest: string;
  flags: string[];
};

const PLAIN_URL = /^https?:\/\/[^\s"'`\\$]+$/;

/** The ADD steps to fetch, in order. */
export function planAddUrls(dockerfile: Buffer | string): AddUrlStep[] {
  const steps: AddUrlStep[] = [];
  parseDockerfile(dockerfile).forEach((ins, index) => {
    if (ins.command !== "add") return;
    const words = addWords(ins);
    if (!words || words.length < 2) return;
    const urls = words.slice(0, -1);
    if (!urls.every((u) => PLAIN_URL.test(u))) return;
    if (ins.flags.some((f) => /[\s"'`\\]/.test(f) || !/^--chown=/i.test(f))) return;
    steps.push({ index, urls, dest: words[words.length - 1] as string, flags: ins.flags.map(asText) });
  });
  return steps;
}

/** The instruction's words, or null when it is written with quotes or escapes the builder would process. */
function addWords(ins: Instruction): string[] | null {
  const text = asText(ins.args).trim();
  if (text.startsWith("[")) return safeJson(text);
  if (/["'`\\]/.test(text)) return null;
  return text.split(/[\t\v\f\r ]+/);
}

function safeJson(text: string): string[] | null {
  try {
    const list: unknown = JSON.parse(text);
    return Array.isArray(list) && list.every((w) => typeof w === "string") ? (list as string[]) : null;
  } catch {
    return null;
  }
}

/**
 * The Dockerfile with each planned step replaced by a COPY of its fetched files (`staged[i][j]`:
 * the context path of step i's j-th URL).
 */
export function rewriteDockerfile(dockerfile: Buffer, steps: AddUrlStep[], staged: string[][]): Buffer {
  const copies = steps.map((s, i): [number, string] => {
    const words = [...(staged[i] ?? []), s.dest].map((w) => JSON.stringify(w));
    // JSON text is UTF-8; the file is written back byte for byte ("binary" strings).
    return [s.index, Buffer.from(`COPY ${[...s.flags, `[${words.join(", ")}]`].join(" ")}`, "utf8").toString("latin1")];
  });
  return rewriteInstructions(dockerfile, new Map(copies));
}
