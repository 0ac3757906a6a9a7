// The outbound policy's check of one URL a user chose: resolve its host (every address), and refuse
// unless each address is public and not Berth's own, or an instance admin allowed it. The result
// names the one checked address the request must then connect to (send-pinned.ts, git-pin.ts), so
// a name that resolves differently a moment later (DNS rebinding) changes nothing.
import { lookup } from "node:dns/promises";
import { redactUrl } from "@berth/core/apps";
import { AppError } from "@berth/core/errors";
import { ipFamily } from "@berth/core/outbound-allow";
import { CLASS_WORDS, canonicalAddress, classifyAddress } from "./address-class.ts";
import { matchAllow } from "./allow-match.ts";
import type { OutboundPolicy } from "./outbound-policy.ts";

export type Destination = {
  url: URL;
  /** The URL's host as written (lowercased, no brackets, no trailing dot): for Host, SNI, certificates. */
  host: string;
  port: number;
  /** The checked address to connect to. */
  address: string;
  family: 4 | 6;
};

const RESOLVE_MS = 5_000;
const HOW_TO_ALLOW = "Berth sends requests only to public addresses unless an instance admin allows this one (Admin → Settings → Outbound allow list)";
const DEFAULT_PORTS: Record<string, number> = { "http:": 80, "https:": 443 };

/** A refusal: the user's own input was not acceptable (400), with a message they can act on. */
export const outboundRefusal = (message: string, reason: "refused" | "unresolved" = "refused") => new AppError("BAD_REQUEST", message, { outbound: reason });
/** The host name did not resolve (nothing was refused: there was nothing to judge). */
export const isUnresolved = (e: unknown) => e instanceof AppError && (e.details as { outbound?: string } | undefined)?.outbound === "unresolved";

export async function checkDestination(policy: OutboundPolicy, rawUrl: string | URL): Promise<Destination> {
  const url = new URL(rawUrl);
  const shown = redactUrl(url.href);
  const defaultPort = DEFAULT_PORTS[url.protocol];
  if (defaultPort === undefined) throw outboundRefusal(`refused: ${shown}: only http:// and https:// destinations are allowed`);
  const host = url.hostname
    .replace(/^\[|\]$/g, "")
    .replace(/\.$/, "")
    .toLowerCase();
  const port = url.port === "" ? defaultPort : Number(url.port);
  const literal = ipFamily(host) !== 0;
  const addresses = literal ? [host] : await resolveAll(host, shown);

  for (const address of addresses) {
    const canonical = canonicalAddress(address) ?? address;
    const cls = classifyAddress(address);
    const own = policy.ownAddresses.has(canonical);
    if (cls === "public" && !own) continue;
    const exactOnly = own || cls === "loopback" || cls === "unspecified";
    if (matchAllow(policy.allow, { host, port, address, exactOnly })) continue;
    const what = cls === "loopback" || cls === "unspecified" || !own ? CLASS_WORDS[cls as Exclude<typeof cls, "public">] : "an address of Berth's own servers";
    // The address itself only when the user wrote it (or it is loopback): a name's internal addresses are not theirs to learn.
    const target = literal || cls === "loopback" ? `${canonical}, ${what}` : what;
    throw outboundRefusal(`refused: ${shown} resolves to ${target}; ${HOW_TO_ALLOW}`);
  }
  // IPv4 first: the most likely to be routable from every Berth host.
  const address = addresses.find((a) => ipFamily(a) === 4) ?? (addresses[0] as string);
  return { url, host, port, address, family: ipFamily(address) as 4 | 6 };
}

async function resolveAll(host: string, shown: string): Promise<string[]> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error("timeout")), RESOLVE_MS);
  });
  try {
    const found = await Promise.race([lookup(host, { all: true, verbatim: true }), timeout]);
    if (found.length === 0) throw new Error("no addresses");
    return found.map((a) => a.address);
  } catch {
    throw outboundRefusal(`could not resolve ${host} (${shown}); check the name`, "unresolved");
  } finally {
    clearTimeout(timer);
  }
}
