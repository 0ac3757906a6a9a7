// .dockerignore as `docker build` applies it (Docker 20.10: cli's build.ReadDockerignore,
// TrimBuildFilesFromExcludes, and archive.TarWithOptions over fileutils.PatternMatcher): patterns
// cleaned like filepath.Clean, `!` exceptions, the last matching pattern wins, a pattern matching a
// parent directory matches what is below it, and an excluded directory is skipped whole unless an
// exception pattern starts inside it. The Dockerfile and .dockerignore itself are always sent.
import { posix } from "node:path";

export type IgnorePattern = { exclusion: boolean; text: string; dirs: number; re: RegExp | null };

/** Go's filepath.Clean for slash paths (`.` for the empty path). */
const clean = (p: string) => {
  const c = posix.normalize(p);
  return c.length > 1 && c.endsWith("/") ? c.slice(0, -1) : c === "" ? "." : c;
};

/** fileutils.Pattern.compile: the pattern as a regular expression (Go's filepath.Match plus `**`). */
function compile(pattern: string): RegExp | null {
  let re = "^";
  const chars = Array.from(pattern);
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i] as string;
    if (ch === "*") {
      if (chars[i + 1] === "*") {
        i++;
        if (chars[i + 1] === "/") i++;
        re += i + 1 >= chars.length ? ".*" : "(.*/)?";
      } else re += "[^/]*";
    } else if (ch === "?") re += "[^/]";
    else if (ch === "." || ch === "$") re += `\\${ch}`;
    else if (ch === "\\") re += i + 1 < chars.length ? `\\${chars[++i]}` : "\\\\";
    else re += ch;
  }
  try {
    // Go's regexp (RE2): `.` does not match a newline unless (?s); the same in JavaScript without the s flag.
    return new RegExp(`${re}$`, "u");
  } catch {
    // Go fails the build on a pattern that is not a valid expression: such a pattern matches nothing here.
    return null;
  }
}

/** build.ReadDockerignore: one pattern a line, `#` comments, blank lines skipped, each cleaned. */
export function parseDockerignore(text: string): IgnorePattern[] {
  const out: IgnorePattern[] = [];
  for (const raw of text.split("\n")) {
    let line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const exclusion = line.startsWith("!");
    if (exclusion) line = line.slice(1).trim();
    if (line === "") continue;
    let p = clean(line);
    if (p.length > 1 && p.startsWith("/")) p = p.slice(1);
    out.push({ exclusion, text: p, dirs: p.split("/").length, re: compile(p) });
  }
  return out;
}

/** PatternMatcher.Matches: whether `path` (slash-separated, relative) is excluded. */
export function matches(patterns: readonly IgnorePattern[], path: string): boolean {
  const file = clean(path);
  const parent = posix.dirname(file);
  const parentDirs = parent.split("/");
  let matched = false;
  for (const p of patterns) {
    if (!p.re) continue;
    let match = p.re.test(file);
    if (!match && parent !== "." && p.dirs <= parentDirs.length) match = p.re.test(parentDirs.slice(0, p.dirs).join("/"));
    if (match) matched = !p.exclusion;
  }
  return matched;
}

/** The patterns as the CLI sends the context: with exceptions for the Dockerfile and .dockerignore when they match. */
export function withBuildFiles(patterns: IgnorePattern[], dockerfile = "Dockerfile"): IgnorePattern[] {
  const out = [...patterns];
  for (const keep of [".dockerignore", dockerfile]) {
    if (matches(out, keep)) out.push(...parseDockerignore(`!${keep}`));
  }
  return out;
}

/**
 * Whether an entry of the context is left out, as the CLI's directory walk leaves it out: the
 * entry matches, or one of its directories matched and was skipped whole (no exception pattern
 * starts inside it).
 */
export function excluded(patterns: readonly IgnorePattern[], path: string): boolean {
  const file = clean(path);
  if (file === ".") return false;
  const exceptions = patterns.filter((p) => p.exclusion);
  const parts = file.split("/");
  for (let n = 1; n < parts.length; n++) {
    const dir = parts.slice(0, n).join("/");
    if (!matches(patterns, dir)) continue;
    if (!exceptions.some((p) => `${p.text}/`.startsWith(`${dir}/`))) return true;
  }
  return matches(patterns, file);
}
