// The outbound policy as it stands for one request: the instance admin's allow list and the control
// plane's own addresses (this machine's interfaces, the public URL's host, every registered Berth
// host). Loaded afresh for each check, so a changed setting or a new host counts at once.
import { lookup } from "node:dns/promises";
import { networkInterfaces } from "node:os";
import { type AllowEntry, ipFamily, parseAllowEntry } from "@berth/core/outbound-allow";
import type { Db } from "@berth/db";
import { readInstanceSettings } from "../settings/instance-settings.ts";
import { canonicalAddress } from "./address-class.ts";

export type OutboundPolicy = {
  allow: readonly AllowEntry[];
  /** Canonical addresses (core's canonicalAddress) that are Berth's own. */
  ownAddresses: ReadonlySet<string>;
};

/** How long one name of the control plane may take to resolve before it is left out. */
const OWN_LOOKUP_MS = 3_000;

/** `publicUrl`: the dashboard's URL (unset: localhost, whose addresses are this machine's anyway). */
export async function loadOutboundPolicy(db: Db, opts: { publicUrl?: string }): Promise<OutboundPolicy> {
  const [settings, hosts] = await Promise.all([readInstanceSettings(db), db.host.findMany({ select: { address: true } })]);
  const allow = settings.outboundAllow.map(parseAllowEntry).filter((e): e is AllowEntry => e !== null);
  const own = new Set(strictPolicy().ownAddresses);
  const names = hosts.map((h) => h.address);
  if (opts.publicUrl) names.push(new URL(opts.publicUrl).hostname.replace(/^\[|\]$/g, ""));
  await Promise.all(names.map((name) => addResolved(own, name)));
  return { allow, ownAddresses: own };
}

/** The policy without the database: nothing allowed, this machine's interface addresses its own. */
export function strictPolicy(): OutboundPolicy {
  const own = new Set<string>();
  for (const list of Object.values(networkInterfaces())) for (const i of list ?? []) addAddress(own, i.address);
  return { allow: [], ownAddresses: own };
}

function addAddress(set: Set<string>, address: string) {
  const canonical = canonicalAddress(address.replace(/%.*$/, ""));
  if (canonical) set.add(canonical);
}

async function addResolved(set: Set<string>, name: string) {
  if (ipFamily(name) !== 0) return addAddress(set, name);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<[]>((resolve) => {
    timer = setTimeout(() => resolve([]), OWN_LOOKUP_MS);
  });
  // A name of ours that does not resolve right now cannot be reached through it either.
  const found = await Promise.race([lookup(name, { all: true }).catch(() => []), timeout]);
  clearTimeout(timer);
  for (const a of found) addAddress(set, a.address);
}
