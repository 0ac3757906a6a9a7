// What kind of address an IP is, for the outbound policy: `public`, or the reason Berth does not
// send a user's request there by default. IPv6 forms that carry an IPv4 address (IPv4-mapped
// `::ffff:a.b.c.d`, IPv4-compatible `::a.b.c.d`, NAT64 `64:ff9b::/96`, 6to4 `2002::/16`) are judged
// by the IPv4 address they lead to. Pure code: address arithmetic on bigints, no lookups.
import { ipFamily } from "@berth/core/outbound-allow";

export type AddressClass = "public" | "loopback" | "unspecified" | "link-local" | "private" | "shared" | "unique-local" | "multicast" | "reserved";

/** How a refusal names each class. */
export const CLASS_WORDS: Record<Exclude<AddressClass, "public">, string> = {
  loopback: "a loopback address",
  unspecified: "an unspecified address (it means this machine)",
  "link-local": "a link-local address (such as a cloud metadata service)",
  private: "a private address (RFC 1918)",
  shared: "a carrier-grade NAT address (100.64.0.0/10)",
  "unique-local": "a unique-local IPv6 address (fc00::/7)",
  multicast: "a multicast address",
  reserved: "a reserved or special-purpose address",
};

type Range = { base: bigint; prefix: number; cls: Exclude<AddressClass, "public"> };

const V4: Array<[string, number, Range["cls"]]> = [
  ["0.0.0.0", 8, "unspecified"],
  ["10.0.0.0", 8, "private"],
  ["100.64.0.0", 10, "shared"],
  ["127.0.0.0", 8, "loopback"],
  ["169.254.0.0", 16, "link-local"],
  ["172.16.0.0", 12, "private"],
  ["192.0.0.0", 24, "reserved"],
  ["192.0.2.0", 24, "reserved"],
  ["192.88.99.0", 24, "reserved"],
  ["192.168.0.0", 16, "private"],
  ["198.18.0.0", 15, "reserved"],
  ["198.51.100.0", 24, "reserved"],
  ["203.0.113.0", 24, "reserved"],
  ["224.0.0.0", 4, "multicast"],
  ["240.0.0.0", 4, "reserved"],
];
// Outside 2000::/3 (global unicast) every IPv6 address is special; inside it, these are too.
const V6: Array<[string, number, Range["cls"]]> = [
  ["::", 128, "unspecified"],
  ["::1", 128, "loopback"],
  ["fe80::", 10, "link-local"],
  ["fc00::", 7, "unique-local"],
  ["ff00::", 8, "multicast"],
  ["2001::", 23, "reserved"],
  ["2001:db8::", 32, "reserved"],
  ["3fff::", 20, "reserved"],
];

const v4Ranges: Range[] = V4.map(([a, prefix, cls]) => ({ base: toBigInt(a, 4), prefix, cls }));
const v6Ranges: Range[] = V6.map(([a, prefix, cls]) => ({ base: toBigInt(a, 6), prefix, cls }));

/** The address as a number (IPv4: 32 bits; IPv6: 128 bits). */
export function toBigInt(address: string, family: 4 | 6): bigint {
  if (family === 4) return address.split(".").reduce((n, part) => (n << 8n) | BigInt(Number(part)), 0n);
  // The WHATWG parser turns embedded IPv4 into hex groups and compresses zeros with `::`.
  const [head = "", tail] = new URL(`http://[${address}]/`).hostname.slice(1, -1).split("::");
  const left = head === "" ? [] : head.split(":");
  const right = tail === undefined || tail === "" ? [] : tail.split(":");
  const full = tail === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill("0"), ...right];
  return full.slice(0, 8).reduce((n, g) => (n << 16n) | BigInt(Number.parseInt(g, 16)), 0n);
}

export const inRange = (value: bigint, base: bigint, prefix: number, bits: number) => {
  const shift = BigInt(bits - prefix);
  return value >> shift === base >> shift;
};

const v4Text = (n: bigint) => [24n, 16n, 8n, 0n].map((s) => String((n >> s) & 255n)).join(".");

/** The IPv4 address an IPv6 address stands for, if it is one of the forms that carry one. */
function embeddedV4(n: bigint): string | null {
  const top96 = n >> 32n;
  if (top96 === 0xffffn) return v4Text(n & 0xffffffffn); // ::ffff:a.b.c.d
  if (top96 === 0n && n > 1n) return v4Text(n); // ::a.b.c.d (deprecated IPv4-compatible)
  if (top96 === 0x0064ff9b0000000000000000n) return v4Text(n & 0xffffffffn); // NAT64 64:ff9b::/96
  if (n >> 112n === 0x2002n) return v4Text((n >> 80n) & 0xffffffffn); // 6to4 2002:a.b.c.d::/48
  return null;
}

/**
 * The address in the form to compare and show: IPv4 as dotted quad, an IPv6 address carrying
 * IPv4 (mapped, compatible, NAT64, 6to4) as that IPv4 address, other IPv6 compressed and lowercased.
 */
export function canonicalAddress(address: string): string | null {
  const family = ipFamily(address);
  if (family === 4) return address;
  if (family !== 6) return null;
  const n = toBigInt(address, 6);
  return embeddedV4(n) ?? new URL(`http://[${address}]/`).hostname.slice(1, -1);
}

/** The class of an IP address (text); throws on something that is not one. */
export function classifyAddress(address: string): AddressClass {
  const canonical = canonicalAddress(address);
  if (canonical === null) throw new Error(`not an IP address: ${address}`);
  const family = ipFamily(canonical) as 4 | 6;
  const n = toBigInt(canonical, family);
  if (family === 4) return v4Ranges.find((r) => inRange(n, r.base, r.prefix, 32))?.cls ?? "public";
  const special = v6Ranges.find((r) => inRange(n, r.base, r.prefix, 128));
  if (special) return special.cls;
  return n >> 125n === 1n ? "public" : "reserved";
}
