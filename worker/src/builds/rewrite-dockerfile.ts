// Writes a Dockerfile back with some instructions replaced, for the steps that change it before the
// build: ADD <url> made a COPY of the fetched file (add-url-plan.ts), and an image from another
// registry replaced by Berth's pinned copy (import-base-images.ts). Instructions are written as the
// parser read them, one per line; parser directives at the top (`# escape=`) are kept. Pure code.
import { type Instruction, parseDockerfile } from "./parse-dockerfile.ts";

/** The Dockerfile with instruction `i` (its index in `parseDockerfile`'s list) replaced by `replacements.get(i)` ("binary" text). */
export function rewriteInstructions(dockerfile: Buffer, replacements: ReadonlyMap<number, string>): Buffer {
  const binary = dockerfile.toString("latin1");
  const directives: string[] = [];
  for (const line of binary.split("\n")) {
    if (!/^#[\t ]*(escape|syntax)[\t ]*=/i.test(line.replace(/^\xef\xbb\xbf/, ""))) break;
    directives.push(line.replace(/\r$/, ""));
  }
  const lines = parseDockerfile(dockerfile).map((ins, index) => replacements.get(index) ?? ins.original);
  return Buffer.from(`${[...directives, ...lines].join("\n")}\n`, "latin1");
}

/**
 * A flag word as the builder's flag splitter reads it back (parse-dockerfile.ts extractFlags): as is
 * when plain, else its value double-quoted with `"` and `\` escaped (the splitter always escapes
 * with `\`, and takes a word as a flag only when it starts with `--`).
 */
export function flagWord(flag: string): string {
  // JavaScript's \s lacks U+0085, which the splitter takes (byte by byte) as a space.
  if (/^[^\s\x85"'\\]+$/.test(flag)) return flag;
  const eq = flag.indexOf("=");
  const [name, value] = eq === -1 ? [flag, ""] : [flag.slice(0, eq + 1), flag.slice(eq + 1)];
  return `${name}"${value.replace(/["\\]/g, "\\$&")}"`;
}

/** FROM with its image word replaced: flags kept, `AS <name>` kept. */
export function fromWith(ins: Instruction, word: string, image: string): string {
  const rest = ins.args.slice(word.length);
  return ["FROM", ...ins.flags.map(flagWord), `${image}${rest}`].join(" ");
}

/** COPY/ADD with each `--from=<word>` that `images` maps replaced by `--from=<image>`, other flags and the arguments kept. */
export function copyFromWith(ins: Instruction, images: ReadonlyMap<string, string>): string {
  const flags = ins.flags.map((f) => {
    const word = f.toLowerCase().startsWith("--from=") ? f.slice("--from=".length) : undefined;
    const image = word === undefined ? undefined : images.get(word);
    return image === undefined ? f : `--from=${image}`;
  });
  return [ins.command.toUpperCase(), ...flags.map(flagWord), ins.args].join(" ");
}
