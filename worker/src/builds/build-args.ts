// Build arguments as the Engine's classic builder (Docker 20.10, moby/buildkit v0.8's shell lexer)
// evaluates them where they choose an image: the global ARGs before the first FROM (their defaults
// expanded in order, each instruction with the values known before it), overridden by the values
// the app gives, and substituted into FROM's image word (`$VAR`, `${VAR}`, `${VAR:-default}`,
// `${VAR:+alt}`, `${VAR:?message}`, quotes and the escape token). The base-image check runs on the
// result, so it must be the very word the engine will pull: this mirrors the Go code step by step.
import { BuildFailure } from "./build-errors.ts";
import { asText, type Instruction } from "./parse-dockerfile.ts";

/** Arguments the builder knows without an ARG line (moby builder/dockerfile/buildargs.go). */
export const BUILTIN_ARGS: ReadonlySet<string> = new Set(
  ["HTTP_PROXY", "HTTPS_PROXY", "FTP_PROXY", "NO_PROXY", "ALL_PROXY"].flatMap((n) => [n, n.toLowerCase()]),
);

/** A word the builder's lexer rejects: the build fails with this message. */
export class WordError extends Error {}

const isDigit = (c: string) => /^\p{Nd}$/u.test(c);
const isNameChar = (c: string) => /^[\p{L}\p{Nd}_]$/u.test(c);
// shell/lex.go isSpecialParam
const SPECIAL = new Set(["@", "*", "#", "?", "-", "$", "!", "0"]);

/** shell.Lex.ProcessWord: expands one word with `env` (unset names are empty). Text in, text out. */
export function processWord(word: string, env: ReadonlyMap<string, string>, esc = "\\"): string {
  const chars = Array.from(word);
  let pos = 0;
  const peek = () => chars[pos];
  const next = () => chars[pos++];

  const name = (): string => {
    let out = "";
    for (let c = peek(); c !== undefined; c = peek()) {
      if (out === "" && isDigit(c)) {
        while (peek() !== undefined && isDigit(peek() as string)) out += next();
        return out;
      }
      if (out === "" && SPECIAL.has(c)) return next() as string;
      if (!isNameChar(c)) break;
      out += next();
    }
    return out;
  };

  const dollar = (): string => {
    next();
    if (peek() !== "{") {
      const n = name();
      return n === "" ? "$" : (env.get(n) ?? "");
    }
    next();
    const c = peek();
    if (c === undefined) throw new WordError("syntax error: missing '}'");
    if (c === "{" || c === "}" || c === ":") throw new WordError("syntax error: bad substitution");
    const n = name();
    const ch = next();
    if (ch === "}") return env.get(n) ?? "";
    if (ch === ":") {
      const modifier = next();
      let word: string;
      try {
        word = until("}");
      } catch (e) {
        if (peek() === undefined) throw new WordError("syntax error: missing '}'");
        throw e;
      }
      const value = env.get(n);
      switch (modifier) {
        case "+":
          return value ? word : (value ?? "");
        case "-":
          return value ? value : word;
        case "?":
          if (value === undefined) throw new WordError(`${n}: ${word || "is not allowed to be unset"}`);
          if (value === "") throw new WordError(`${n}: ${word || "is not allowed to be empty"}`);
          return value;
        default:
          throw new WordError(`unsupported modifier (${modifier ?? ""}) in substitution`);
      }
    }
    throw new WordError("missing ':' in substitution");
  };

  const singleQuote = (): string => {
    next();
    let out = "";
    for (;;) {
      const c = next();
      if (c === undefined) throw new WordError("unexpected end of statement while looking for matching single-quote");
      if (c === "'") return out;
      out += c;
    }
  };

  const doubleQuote = (): string => {
    next();
    let out = "";
    for (;;) {
      const c = peek();
      if (c === undefined) throw new WordError("unexpected end of statement while looking for matching double-quote");
      if (c === '"') {
        next();
        return out;
      }
      if (c === "$") {
        out += dollar();
        continue;
      }
      let ch = next() as string;
      if (ch === esc) {
        const after = peek();
        if (after === undefined) continue;
        if (after === '"' || after === "$" || after === esc) ch = next() as string;
      }
      out += ch;
    }
  };

  function until(stop: string | undefined): string {
    let out = "";
    while (peek() !== undefined) {
      const c = peek() as string;
      if (stop !== undefined && c === stop) {
        next();
        return out;
      }
      if (c === "'") out += singleQuote();
      else if (c === '"') out += doubleQuote();
      else if (c === "$") out += dollar();
      else {
        let ch = next() as string;
        if (ch === esc) {
          const escaped = next();
          if (escaped === undefined) break;
          ch = escaped;
        }
        out += ch;
      }
    }
    if (stop !== undefined) throw new WordError(`unexpected end of statement while looking for matching ${stop}`);
    return out;
  }

  return until(undefined);
}

/** The parser's parseWords (ARG's arguments): whitespace-separated, quotes and escapes kept for the lexer. */
export function argWords(rest: string, esc = "\\"): string[] {
  const words: string[] = [];
  const chars = Array.from(rest);
  let phase: "spaces" | "word" | "quote" = "spaces";
  let word = "";
  let quote = "";
  let blankOK = false;
  // Go's unicode.IsSpace: JavaScript's \s without U+FEFF, plus U+0085.
  const space = (c: string) => (/^\s$/u.test(c) && c !== "\ufeff") || c === "\x85";
  for (let pos = 0; pos <= chars.length; pos++) {
    let ch = chars[pos] ?? "";
    if (phase === "spaces") {
      if (pos === chars.length) break;
      if (space(ch)) continue;
      phase = "word";
    }
    if (pos === chars.length) {
      if (blankOK || word.length > 0) words.push(word);
      break;
    }
    if (phase === "word") {
      if (space(ch)) {
        phase = "spaces";
        if (blankOK || word.length > 0) words.push(word);
        word = "";
        blankOK = false;
        continue;
      }
      if (ch === "'" || ch === '"') {
        quote = ch;
        blankOK = true;
        phase = "quote";
      }
      if (ch === esc) {
        if (pos + 1 === chars.length) continue;
        word += ch;
        pos++;
        ch = chars[pos] as string;
      }
      word += ch;
      continue;
    }
    if (ch === quote) phase = "word";
    if (ch === esc && quote !== "'") {
      if (pos + 1 === chars.length) {
        phase = "word";
        continue;
      }
      pos++;
      word += ch;
      ch = chars[pos] as string;
    }
    word += ch;
  }
  return words;
}

const at = (ins: Instruction, message: string) => new BuildFailure(`line ${ins.line}: ${message}`);

/**
 * The values FROM lines are expanded with: each global ARG (before the first FROM) with the app's
 * value, else its expanded default, else absent; plus the built-in proxy arguments the app gives.
 */
export function metaArgs(instructions: Instruction[], given: Readonly<Record<string, string>> = {}): Map<string, string> {
  const declared = new Map<string, string | undefined>();
  const values = () => {
    const env = new Map<string, string>();
    for (const [key, fallback] of declared) {
      const value = Object.hasOwn(given, key) ? given[key] : fallback;
      if (value !== undefined) env.set(key, value);
    }
    for (const key of BUILTIN_ARGS) if (Object.hasOwn(given, key) && !declared.has(key)) env.set(key, given[key] as string);
    return env;
  };
  for (const ins of instructions) {
    if (ins.command === "from") break;
    if (ins.command !== "arg") continue;
    const words = argWords(asText(ins.args), ins.escape);
    if (words.length === 0) throw at(ins, "ARG requires at least one argument");
    // Every word of one ARG line is expanded with the values known before that line.
    const env = values();
    const pairs = words.map((w) => {
      const eq = w.indexOf("=");
      if (eq === 0) throw at(ins, "ARG names can not be blank");
      const [key, value] = eq === -1 ? [w, undefined] : [w.slice(0, eq), w.slice(eq + 1)];
      try {
        return [processWord(key, env, ins.escape), value === undefined ? undefined : processWord(value, env, ins.escape)] as const;
      } catch (e) {
        throw e instanceof WordError ? at(ins, `failed to process "${w}": ${e.message}`) : e;
      }
    });
    for (const [key, value] of pairs) declared.set(key, value);
  }
  return values();
}

/** FROM's image word (parser bytes) as the engine will use it, back in parser bytes; throws the engine's error. */
export function expandFrom(ins: Instruction, word: string, env: ReadonlyMap<string, string>): string {
  let out: string;
  try {
    out = processWord(asText(word), env, ins.escape);
  } catch (e) {
    throw e instanceof WordError ? at(ins, `failed to process "${asText(word)}": ${e.message}`) : e;
  }
  if (out === "") throw at(ins, `base name (${asText(word)}) should not be blank`);
  return Buffer.from(out, "utf8").toString("latin1");
}
