// Which entry of the instance admin's allow list (core/src/outbound-allow.ts) lets a request reach
// an address the policy would refuse. A name entry matches the host name the user wrote (whatever
// it resolves to: the connection is pinned to the checked address), `*.domain` every name below
// it, an address or range the resolved address. Loopback, the unspecified address and the control
// plane's own addresses open only to an exact entry (a name, or one address): a range such as
// 10.0.0.0/8 or `*.corp.lan` is meant for a LAN, and must not open Caddy's admin API by accident.
import { type AllowEntry, ipFamily } from "@berth/core/outbound-allow";
import { canonicalAddress, inRange, toBigInt } from "./address-class.ts";

export type AllowQuery = {
  /** The URL's host, lowercased, without brackets or a trailing dot. */
  host: string;
  /** The port the request goes to (an entry with a port allows only that one). */
  port: number;
  /** One resolved address (any form: it is compared canonically). */
  address: string;
  /** Only an exact entry (a name, or one address) may allow it. */
  exactOnly: boolean;
};

const isExact = (e: AllowEntry) => e.kind === "name" || (e.kind === "range" && e.prefix === (e.family === 4 ? 32 : 128));

/** The first entry that allows the destination, or undefined. */
export function matchAllow(entries: readonly AllowEntry[], q: AllowQuery): AllowEntry | undefined {
  const address = canonicalAddress(q.address);
  const hostIsName = ipFamily(q.host) === 0;
  return entries.find((e) => {
    if (q.exactOnly && !isExact(e)) return false;
    if (e.port !== undefined && e.port !== q.port) return false;
    switch (e.kind) {
      case "name":
        return hostIsName && q.host === e.name;
      case "suffix":
        return hostIsName && q.host.endsWith(e.suffix) && q.host.length > e.suffix.length;
      case "range": {
        if (address === null) return false;
        const base = canonicalAddress(e.address);
        if (base === null) return false;
        const family = ipFamily(address);
        // An IPv4-mapped entry (::ffff:10.0.0.0/104) is written as IPv6 but means IPv4 addresses.
        const entryFamily = ipFamily(base);
        if (family !== entryFamily) return false;
        const bits = family === 4 ? 32 : 128;
        const prefix = e.family === entryFamily ? e.prefix : Math.max(0, e.prefix - 96);
        return inRange(toBigInt(address, family as 4 | 6), toBigInt(base, entryFamily as 4 | 6), prefix, bits);
      }
    }
    return false;
  });
}

/** How an entry is written in the settings, for logs. */
export const allowEntryText = (e: AllowEntry) => {
  const base = e.kind === "name" ? e.name : e.kind === "suffix" ? `*${e.suffix}` : `${e.address}/${e.prefix}`;
  return e.port === undefined ? base : `${base} port ${e.port}`;
};
