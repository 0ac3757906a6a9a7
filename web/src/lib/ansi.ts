// Terminal colours in log lines. A container's output is untrusted text: it is split into
// segments that React renders as text nodes with an inline style, never parsed as HTML. Only SGR
// (colours and emphasis) is interpreted; every other escape sequence and control character is
// dropped, so cursor moves, title changes or bells cannot reach the page.

export type AnsiStyle = {
  fg?: string;
  bg?: string;
  bold?: boolean;
  dim?: boolean;
  italic?: boolean;
  underline?: boolean;
};
export type AnsiSegment = { text: string; style: AnsiStyle };

/** xterm's 16 colours, tuned to stay readable on the log view's dark background. */
const BASIC = [
  "#3f3f46", // black (lifted: pure black vanishes on a dark background)
  "#f87171",
  "#4ade80",
  "#facc15",
  "#60a5fa",
  "#e879f9",
  "#22d3ee",
  "#e5e7eb",
  "#71717a",
  "#fca5a5",
  "#86efac",
  "#fde047",
  "#93c5fd",
  "#f0abfc",
  "#67e8f9",
  "#ffffff",
] as const;

const hex2 = (n: number) => n.toString(16).padStart(2, "0");
const rgb = (r: number, g: number, b: number) => `#${hex2(r)}${hex2(g)}${hex2(b)}`;
const CUBE = [0, 95, 135, 175, 215, 255] as const;

/** One of the 256 palette colours (16 basic, a 6×6×6 cube, 24 greys). */
export function color256(n: number): string | undefined {
  if (!Number.isInteger(n) || n < 0 || n > 255) return undefined;
  if (n < 16) return BASIC[n];
  if (n < 232) {
    const i = n - 16;
    return rgb(CUBE[Math.floor(i / 36)] ?? 0, CUBE[Math.floor(i / 6) % 6] ?? 0, CUBE[i % 6] ?? 0);
  }
  const v = 8 + (n - 232) * 10;
  return rgb(v, v, v);
}

const byte = (n: number | undefined): n is number => n !== undefined && Number.isInteger(n) && n >= 0 && n <= 255;

/** Applies one SGR sequence's parameters to a style (a fresh object: segments keep theirs). */
export function applySgr(style: AnsiStyle, params: readonly number[]): AnsiStyle {
  let s: AnsiStyle = { ...style };
  const p = params.length === 0 ? [0] : params;
  for (let i = 0; i < p.length; i++) {
    const code = p[i] ?? 0;
    if (code === 0) s = {};
    else if (code === 1) s.bold = true;
    else if (code === 2) s.dim = true;
    else if (code === 3) s.italic = true;
    else if (code === 4) s.underline = true;
    else if (code === 22) {
      s.bold = undefined;
      s.dim = undefined;
    } else if (code === 23) s.italic = undefined;
    else if (code === 24) s.underline = undefined;
    else if (code >= 30 && code <= 37) s.fg = BASIC[code - 30];
    else if (code >= 90 && code <= 97) s.fg = BASIC[code - 90 + 8];
    else if (code >= 40 && code <= 47) s.bg = BASIC[code - 40];
    else if (code >= 100 && code <= 107) s.bg = BASIC[code - 100 + 8];
    else if (code === 39) s.fg = undefined;
    else if (code === 49) s.bg = undefined;
    else if (code === 38 || code === 48) {
      // 38;5;n (palette) or 38;2;r;g;b (true colour); a malformed one ends the sequence.
      let value: string | undefined;
      if (p[i + 1] === 5) {
        value = color256(p[i + 2] ?? -1);
        i += 2;
      } else if (p[i + 1] === 2) {
        const [r, g, b] = [p[i + 2], p[i + 3], p[i + 4]];
        if (byte(r) && byte(g) && byte(b)) value = rgb(r, g, b);
        i += 4;
      } else break;
      if (value === undefined) continue;
      if (code === 38) s.fg = value;
      else s.bg = value;
    }
    // Anything else (blink, inverse, fonts…) is ignored.
  }
  for (const k of Object.keys(s) as (keyof AnsiStyle)[]) if (s[k] === undefined) delete s[k];
  return s;
}

const ESC = 0x1b;
const isCsiFinal = (c: number) => c >= 0x40 && c <= 0x7e;
/** Control characters that never reach the page (tab is kept: it is layout, not control). */
const isControl = (c: number) => (c < 0x20 && c !== 0x09) || c === 0x7f || (c >= 0x80 && c <= 0x9f);
/** A single line never needs more; a longer parameter list is junk and is skipped whole. */
const MAX_PARAMS = 32;

/** Splits a line into styled text segments; adjacent text with the same style is one segment. */
export function parseAnsi(input: string): AnsiSegment[] {
  const out: AnsiSegment[] = [];
  let style: AnsiStyle = {};
  let text = "";
  const flush = () => {
    if (text === "") return;
    const last = out[out.length - 1];
    if (last && sameStyle(last.style, style)) last.text += text;
    else out.push({ text, style });
    text = "";
  };
  const n = input.length;
  let i = 0;
  while (i < n) {
    const c = input.charCodeAt(i);
    // CSI: ESC [ (or the 8-bit 0x9b), parameter bytes, intermediate bytes, one final byte.
    if ((c === ESC && input.charCodeAt(i + 1) === 0x5b) || c === 0x9b) {
      let j = c === ESC ? i + 2 : i + 1;
      const start = j;
      while (j < n && input.charCodeAt(j) >= 0x30 && input.charCodeAt(j) <= 0x3f) j++;
      const paramText = input.slice(start, j);
      while (j < n && input.charCodeAt(j) >= 0x20 && input.charCodeAt(j) <= 0x2f) j++;
      if (j >= n || !isCsiFinal(input.charCodeAt(j))) {
        // Unterminated: drop the rest of the sequence as far as it goes.
        i = j;
        continue;
      }
      if (input[j] === "m" && /^[0-9;:]*$/.test(paramText)) {
        const params = paramText === "" ? [] : paramText.split(/[;:]/).map((x) => (x === "" ? 0 : Number(x)));
        if (params.length <= MAX_PARAMS) {
          flush();
          style = applySgr(style, params);
        }
      }
      i = j + 1;
      continue;
    }
    // OSC / DCS / SOS / PM / APC: a string ended by BEL or ST (ESC \); dropped whole.
    const next = input.charCodeAt(i + 1);
    if ((c === ESC && (next === 0x5d || next === 0x50 || next === 0x58 || next === 0x5e || next === 0x5f)) || c === 0x9d || c === 0x90) {
      let j = c === ESC ? i + 2 : i + 1;
      while (j < n) {
        const d = input.charCodeAt(j);
        if (d === 0x07 || d === 0x9c) {
          j++;
          break;
        }
        if (d === ESC && input.charCodeAt(j + 1) === 0x5c) {
          j += 2;
          break;
        }
        j++;
      }
      i = j;
      continue;
    }
    if (c === ESC) {
      // Other escapes: ESC, optional intermediates (e.g. the "(" of a charset choice), one final byte.
      let j = i + 1;
      while (j < n && input.charCodeAt(j) >= 0x20 && input.charCodeAt(j) <= 0x2f) j++;
      i = Math.min(n, j + 1);
      continue;
    }
    if (isControl(c)) {
      i++;
      continue;
    }
    text += input[i];
    i++;
  }
  flush();
  return out;
}

function sameStyle(a: AnsiStyle, b: AnsiStyle): boolean {
  return a.fg === b.fg && a.bg === b.bg && a.bold === b.bold && a.dim === b.dim && a.italic === b.italic && a.underline === b.underline;
}

/** The text alone, without any escape or control character. */
export const stripAnsi = (input: string) =>
  parseAnsi(input)
    .map((s) => s.text)
    .join("");

/** The inline style of a segment (React's camel-cased CSS properties); empty for plain text. */
export function cssOf(style: AnsiStyle): Record<string, string | number> {
  const css: Record<string, string | number> = {};
  if (style.fg) css.color = style.fg;
  if (style.bg) css.backgroundColor = style.bg;
  if (style.bold) css.fontWeight = 700;
  if (style.dim) css.opacity = 0.7;
  if (style.italic) css.fontStyle = "italic";
  if (style.underline) css.textDecoration = "underline";
  return css;
}
