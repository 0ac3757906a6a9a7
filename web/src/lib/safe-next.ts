// Where to go after signing in or up (`?next=`): a path on this instance, never another site.
// Parsed once here for the sign-in and sign-up pages and the proxy that adds `next`. Browsers read
// `/\evil.com`, `//evil.com` and `/<tab>/evil.com` as other hosts, and `/.//evil.com` normalizes to
// `//evil.com`: the answer is the parsed, normalized path, checked again after parsing.
const BASE = "http://berth.invalid";

/** The same-origin path (with query and fragment) that `next` names; "/" for anything else. */
export function safeNext(next: unknown): string {
  const raw = Array.isArray(next) ? next[0] : next;
  if (typeof raw !== "string" || raw.length === 0 || raw.length > 2048) return "/";
  // Only a path: backslashes and control characters are how browsers are talked into another host.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
  if (!raw.startsWith("/") || /[\\\u0000-\u001f\u007f]/.test(raw)) return "/";
  let url: URL;
  try {
    url = new URL(raw, BASE);
  } catch {
    return "/";
  }
  if (url.origin !== BASE) return "/";
  const path = `${url.pathname}${url.search}${url.hash}`;
  return path.startsWith("/") && !path.startsWith("//") ? path : "/";
}
