// Splits a Dockerfile into instructions exactly as the engine's parser does (moby/buildkit's
// frontend/dockerfile/parser, as vendored by Docker 20.10): parser directives (`# escape=`),
// comments, line continuations, `--flag` words. The base-image check relies on it: an instruction
// this parser missed or read differently would be a way around the check, so it mirrors Go's
// byte-level behaviour rather than JavaScript's string functions. Text is handled as "binary"
// strings (one char per byte, latin1), because the flag splitter compares single bytes.

export type Instruction = {
  /** 1-based line where the instruction starts. */
  line: number;
  /** Lowercased, as the engine dispatches it: `from`, `copy`, `onbuild`… */
  command: string;
  /** `--name=value` words before the arguments, quotes and backslashes already processed. */
  flags: string[];
  /** The rest of the instruction, trimmed. */
  args: string;
  /** The whole instruction as one line (continuations joined), for messages. */
  original: string;
  /** The escape token in force (`# escape=`): the word lexer of ARG and FROM needs it. */
  escape?: string;
};

// Go's unicode.IsSpace, as UTF-8 byte sequences: the ASCII ones, U+0085, U+00A0, U+1680,
// U+2000–U+200A, U+2028, U+2029, U+202F, U+205F, U+3000.
const GO_SPACES = [
  "\t",
  "\n",
  "\v",
  "\f",
  "\r",
  " ",
  "\xc2\x85",
  "\xc2\xa0",
  "\xe1\x9a\x80",
  ...Array.from({ length: 11 }, (_, i) => `\xe2\x80${String.fromCharCode(0x80 + i)}`),
  "\xe2\x80\xa8",
  "\xe2\x80\xa9",
  "\xe2\x80\xaf",
  "\xe2\x81\x9f",
  "\xe3\x80\x80",
];
// What unicode.IsSpace says of a single byte taken as a rune (the flag splitter works byte by byte).
const isSpaceByte = (c: string) => c === "\t" || c === "\n" || c === "\v" || c === "\f" || c === "\r" || c === " " || c === "\x85" || c === "\xa0";
const TOKEN_WHITESPACE = /[\t\v\f\r ]+/;
// Go's `\s` is [\t\n\f\r ]; the `s` flag lets `.` match \r as Go's does.
const DIRECTIVE = /^#[\t\n\f\r ]*([a-zA-Z][a-zA-Z0-9]*)[\t\n\f\r ]*=[\t\n\f\r ]*(.+?)[\t\n\f\r ]*$/s;
const BOM = "\xef\xbb\xbf";

export function trimLeftSpace(s: string): string {
  for (let guard = s.length; guard >= 0; guard--) {
    const seq = GO_SPACES.find((p) => s.startsWith(p));
    if (!seq) return s;
    s = s.slice(seq.length);
  }
  return s;
}

function trimSpace(s: string): string {
  s = trimLeftSpace(s);
  for (let guard = s.length; guard >= 0; guard--) {
    const seq = GO_SPACES.find((p) => s.endsWith(p));
    if (!seq) return s;
    s = s.slice(0, s.length - seq.length);
  }
  return s;
}

/** strings.ToLower as far as it matters here: U+0130 (İ) lowers to a plain "i" in Go. */
function goLower(binary: string): string {
  return Array.from(Buffer.from(binary, "latin1").toString("utf8"), (c) => (c === "\u0130" ? "i" : c.toLowerCase())).join("");
}

/** Parses a Dockerfile (bytes, or a string taken as UTF-8) into its instructions. */
export function parseDockerfile(source: Buffer | string): Instruction[] {
  const text = (typeof source === "string" ? Buffer.from(source, "utf8") : source).toString("latin1");
  // bufio.ScanLines: split at \n, drop one trailing \r, no empty last line.
  const lines = text.split("\n").map((l) => (l.endsWith("\r") ? l.slice(0, -1) : l));
  if (text.endsWith("\n") || text === "") lines.pop();

  // The escape token also continues lines, when only spaces or tabs follow it.
  let continuation = /\\[ \t]*$/;
  let escapeToken = "\\";
  let directivesDone = false;
  const seen = new Set<string>();
  const processLine = (token: string, stripLeft: boolean) => {
    if (stripLeft) token = trimLeftSpace(token);
    if (!directivesDone) {
      const m = DIRECTIVE.exec(token);
      const key = m?.[1]?.toLowerCase();
      if (!m || (key !== "escape" && key !== "syntax") || seen.has(key)) directivesDone = true;
      else {
        seen.add(key);
        if (key === "escape" && (m[2] === "`" || m[2] === "\\")) {
          escapeToken = m[2];
          continuation = new RegExp(`\\${m[2]}[ \\t]*$`);
        }
      }
    }
    return token.startsWith("#") ? "" : token;
  };
  const isComment = (raw: string) => trimLeftSpace(raw).startsWith("#");
  const trimContinuation = (line: string): [string, boolean] => (continuation.test(line) ? [line.replace(continuation, ""), false] : [line, true]);

  const out: Instruction[] = [];
  for (let i = 0; i < lines.length; ) {
    let raw = lines[i] ?? "";
    if (i === 0 && raw.startsWith(BOM)) raw = raw.slice(BOM.length);
    const token = processLine(raw, true);
    i++;
    const startLine = i;
    let [line, endOfLine] = trimContinuation(token);
    if (endOfLine && line === "") continue;
    while (!endOfLine && i < lines.length) {
      const next = lines[i] ?? "";
      const part = processLine(next, false);
      i++;
      if (isComment(next) || trimLeftSpace(part) === "") continue;
      let more: string;
      [more, endOfLine] = trimContinuation(part);
      line += more;
    }
    out.push({ line: startLine, ...splitCommand(line), escape: escapeToken });
  }
  return out;
}

function splitCommand(line: string): Omit<Instruction, "line"> {
  const trimmed = trimSpace(line);
  const ws = TOKEN_WHITESPACE.exec(trimmed);
  const command = goLower(ws ? trimmed.slice(0, ws.index) : trimmed);
  if (!ws) return { command, flags: [], args: "", original: line };
  const { flags, rest } = extractFlags(trimmed.slice(ws.index + ws[0].length));
  return { command, flags, args: trimSpace(rest), original: line };
}

/** The builder's flag splitter (byte by byte, quotes and backslashes, `--flag value` taking the next word). */
function extractFlags(line: string): { flags: string[]; rest: string } {
  const words: string[] = [];
  let phase: "spaces" | "word" | "quote" = "spaces";
  let word = "";
  let quote = "";
  let blankOK = false;
  let parsingFlagArg = false;
  let needFlagArg = true;
  for (let pos = 0; pos <= line.length; pos++) {
    let ch = pos < line.length ? (line[pos] as string) : "";
    if (phase === "spaces") {
      if (pos === line.length) break;
      if (isSpaceByte(ch)) continue;
      if (!parsingFlagArg && (ch !== "-" || pos + 1 === line.length || line[pos + 1] !== "-")) return { flags: words, rest: line.slice(pos) };
      phase = "word";
    }
    if (pos === line.length) {
      if (word !== "--" && (blankOK || word.length > 0)) words.push(word);
      break;
    }
    if (phase === "word") {
      if (isSpaceByte(ch)) {
        phase = "spaces";
        if (parsingFlagArg) {
          words[words.length - 1] += `=${word}`;
          parsingFlagArg = false;
          needFlagArg = true;
        } else {
          if (word === "--") return { flags: words, rest: line.slice(pos) };
          if (blankOK || word.length > 0) {
            if (needFlagArg) parsingFlagArg = true;
            words.push(word);
          }
        }
        word = "";
        blankOK = false;
        continue;
      }
      if (ch === "=" && needFlagArg) needFlagArg = false;
      if (ch === "'" || ch === '"') {
        quote = ch;
        blankOK = true;
        phase = "quote";
        continue;
      }
      if (ch === "\\") {
        if (pos + 1 === line.length) continue;
        pos++;
        ch = line[pos] as string;
      }
      word += ch;
      continue;
    }
    if (ch === quote) {
      phase = "word";
      continue;
    }
    if (ch === "\\") {
      if (pos + 1 === line.length) {
        phase = "word";
        continue;
      }
      pos++;
      ch = line[pos] as string;
    }
    word += ch;
  }
  return { flags: words, rest: "" };
}

/** Back from the parser's one-char-per-byte strings to text, for messages. */
export const asText = (binary: string) => Buffer.from(binary, "latin1").toString("utf8");

/** Splits arguments at whitespace as FROM's line parser does. */
export const splitWords = (args: string): string[] => (args === "" ? [] : args.split(TOKEN_WHITESPACE));
