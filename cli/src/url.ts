// The instance URL a user types at `berth login`, checked and normalised once before it is saved.
import { UsageError } from "./errors.ts";

/** `http://localhost:8080/` -> `http://localhost:8080`; a base path is kept, credentials, query and fragment refused. */
export function normalizeUrl(input: string): string {
  let u: URL;
  try {
    u = new URL(input);
  } catch {
    throw new UsageError(`"${input}" is not a URL`, "write it with its scheme, e.g. http://localhost:8080");
  }
  if (u.protocol !== "http:" && u.protocol !== "https:") {
    throw new UsageError(`"${input}" must start with http:// or https://`, "e.g. http://localhost:8080");
  }
  if (u.username || u.password || u.search || u.hash) throw new UsageError(`"${input}" must not contain credentials, a query or a fragment`);
  return `${u.origin}${u.pathname.replace(/\/+$/, "")}`;
}

/** Whether a token sent to this URL crosses a network in clear text. */
export function isPlainHttpToRemote(url: string): boolean {
  const u = new URL(url);
  if (u.protocol !== "http:") return false;
  const host = u.hostname.replace(/^\[|\]$/g, "");
  return !(host === "localhost" || host.endsWith(".localhost") || host === "::1" || /^127\./.test(host));
}
