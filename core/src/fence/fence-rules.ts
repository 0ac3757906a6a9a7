// The rules of a network fence: what containers on a set of bridges may reach. One fence per kind of
// tenant code (builds on the worker's engine, app containers on each runtime-host's), each in chains
// of its own (`<name>-FWD` jumped to from DOCKER-USER, `<name>-IN` from INPUT), so Berth never edits
// a rule it did not make and can remove its own. Pure: apply-fence.ts runs them.
//   - Traffic between two containers of the same bridge is Docker's business (its ICC setting).
//   - Anything DNAT'd on the way out is a published port of this host: refused (another team's app).
//   - Private, link-local (cloud metadata) and CGNAT ranges are refused, but for the ranges an admin
//     allows and DNS (the engine's embedded resolver forwards from the container's own namespace).
//   - The host itself (every address it has, bridge gateways included) is refused but for DNS.
// Replies to connections made from outside (the proxy's, health checks) pass first.

export const FENCE_COMMENT = "berth";

/** Ranges tenant code never reaches unless an admin allows them (IPv4; Berth's networks are IPv4 only). */
export const FENCED_RANGES = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "169.254.0.0/16", "0.0.0.0/8"] as const;

export type Fence = {
  /** Chain prefix, e.g. `BERTH-APPS` (chains `<name>-FWD`, `<name>-EGRESS`, `<name>-IN`; at most 21 characters). */
  name: string;
  /** The bridges whose containers are fenced in. */
  interfaces: string[];
  /** IPv4 ranges an admin lets them reach anyway (a LAN database). */
  allow: string[];
};

export const fenceChains = (name: string) => ({ forward: `${name}-FWD`, egress: `${name}-EGRESS`, input: `${name}-IN` });

/** Where each chain is jumped to from: [parent chain, our chain]. */
export function fenceJumps(name: string, forwardParent: "DOCKER-USER" | "FORWARD"): [string, string][] {
  const c = fenceChains(name);
  return [
    [forwardParent, c.forward],
    ["INPUT", c.input],
  ];
}

const IFACE = /^[a-zA-Z0-9_.-]{1,15}$/;
const CIDR = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\/(?:3[0-2]|[12]?\d))?$/;
export const isIpv4Cidr = (s: string) => CIDR.test(s);

/** The `iptables-restore --noflush` input that (re)writes the fence's chains in one commit. */
export function fenceRestoreInput(fence: Fence): string {
  if (!/^[A-Z][A-Z0-9-]{0,20}$/.test(fence.name)) throw new Error(`bad fence name ${fence.name}`);
  for (const i of fence.interfaces) if (!IFACE.test(i)) throw new Error(`bad interface name ${i}`);
  for (const a of fence.allow) if (!isIpv4Cidr(a)) throw new Error(`bad range ${a}`);
  const c = fenceChains(fence.name);
  const tag = `-m comment --comment ${FENCE_COMMENT}`;
  const lines = ["*filter", `:${c.forward} - [0:0]`, `:${c.egress} - [0:0]`, `:${c.input} - [0:0]`];
  lines.push(`-A ${c.forward} -m conntrack --ctstate RELATED,ESTABLISHED ${tag} -j RETURN`);
  for (const i of fence.interfaces) {
    lines.push(`-A ${c.forward} -i ${i} -o ${i} ${tag} -j RETURN`);
    lines.push(`-A ${c.forward} -i ${i} ${tag} -j ${c.egress}`);
  }
  lines.push(`-A ${c.egress} -m conntrack --ctstate DNAT ${tag} -j REJECT`);
  for (const a of fence.allow) lines.push(`-A ${c.egress} -d ${a} ${tag} -j RETURN`);
  lines.push(`-A ${c.egress} -p udp --dport 53 ${tag} -j RETURN`, `-A ${c.egress} -p tcp --dport 53 ${tag} -j RETURN`);
  for (const r of FENCED_RANGES) lines.push(`-A ${c.egress} -d ${r} ${tag} -j REJECT`);
  lines.push(`-A ${c.input} -m conntrack --ctstate RELATED,ESTABLISHED ${tag} -j RETURN`);
  for (const i of fence.interfaces) {
    lines.push(`-A ${c.input} -i ${i} -p udp --dport 53 ${tag} -j RETURN`, `-A ${c.input} -i ${i} -p tcp --dport 53 ${tag} -j RETURN`);
    lines.push(`-A ${c.input} -i ${i} ${tag} -j REJECT`);
  }
  lines.push("COMMIT", "");
  return lines.join("\n");
}
