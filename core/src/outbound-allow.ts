// An instance admin's exception to the outbound policy (control/src/outbound): a destination Berth may
// reach on a user's behalf although it is loopback, link-local or private — a company registry or
// git server on the LAN. One entry is a host name (`git.corp.lan`), every name below a domain
// (`*.corp.lan`), an address (`10.0.5.7`, `fd00::7`) or a CIDR range (`10.0.5.0/24`). A name, a
// `*.domain` or one address may be narrowed to one port (`git.corp.lan:8443`, `10.0.5.7:5000`,
// `[fd00::7]:5000`): then only that port is allowed.
import { z } from "zod";

export type AllowEntry = (
  | { kind: "name"; name: string }
  | { kind: "suffix"; suffix: string }
  | { kind: "range"; address: string; prefix: number; family: 4 | 6 }
) & { port?: number };

// Pure code (no node: modules): the dashboard's bundle validates entries with it too.
const OCTET = "(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)";
const IPV4 = new RegExp(`^${OCTET}(?:\\.${OCTET}){3}$`);

/** 4, 6 or 0 like node:net's isIP (IPv6 checked by the WHATWG URL parser). */
export function ipFamily(text: string): 0 | 4 | 6 {
  if (IPV4.test(text)) return 4;
  if (!text.includes(":") || /[^0-9a-f:.]/i.test(text)) return 0;
  try {
    return new URL(`http://[${text}]/`).hostname.length > 2 ? 6 : 0;
  } catch {
    return 0;
  }
}

const LABEL = "[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?";
const NAME = new RegExp(`^${LABEL}(?:\\.${LABEL})*$`);

/** One entry, parsed; null when it is none of the forms above. */
export function parseAllowEntry(raw: string): AllowEntry | null {
  const text = raw.trim().toLowerCase();
  // `[v6]:port`, or `<name or IPv4>:port` (one colon: IPv6 without brackets has several).
  const bracketed = /^\[([^\]]+)\]:(\d{1,5})$/.exec(text);
  const colon = text.indexOf(":");
  const withPort = bracketed
    ? { base: bracketed[1] as string, port: bracketed[2] as string, v6: true }
    : colon > 0 && colon === text.lastIndexOf(":") && /^\d{1,5}$/.test(text.slice(colon + 1))
      ? { base: text.slice(0, colon), port: text.slice(colon + 1), v6: false }
      : null;
  if (withPort) {
    const port = Number(withPort.port);
    const entry = parseBase(withPort.base);
    if (!entry || port < 1 || port > 65_535 || withPort.base.includes("/")) return null;
    if (entry.kind === "range" && (entry.family === 6) !== withPort.v6) return null;
    if (entry.kind !== "range" && withPort.v6) return null;
    return { ...entry, port };
  }
  return parseBase(text);
}

function parseBase(text: string): AllowEntry | null {
  const slash = text.indexOf("/");
  const address = slash < 0 ? text : text.slice(0, slash);
  const family = ipFamily(address);
  if (family === 4 || family === 6) {
    const max = family === 4 ? 32 : 128;
    const prefix = slash < 0 ? max : Number(text.slice(slash + 1));
    if (!Number.isInteger(prefix) || prefix < 0 || prefix > max || (slash >= 0 && !/^\d+$/.test(text.slice(slash + 1)))) return null;
    return { kind: "range", address, prefix, family };
  }
  if (/\.\d+$|^\d+$/.test(text)) return null; // a malformed address, not a name
  if (text.startsWith("*.") && NAME.test(text.slice(2)) && text.length <= 255) return { kind: "suffix", suffix: text.slice(1) };
  if (NAME.test(text) && text.length <= 253) return { kind: "name", name: text };
  return null;
}

export const outboundAllowEntry = z
  .string()
  .max(255)
  .refine((s) => parseAllowEntry(s) !== null, {
    message: "expected a host name (git.corp.lan), *.domain, an IP address or a CIDR range (10.0.5.0/24), optionally with a port (git.corp.lan:8443)",
  })
  .transform((s) => s.trim().toLowerCase());
