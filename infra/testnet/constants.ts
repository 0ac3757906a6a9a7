// The test network's names and addresses, in one place. Everything lives on a private /24 that Berth
// owns; nothing routes beyond it (no namespace gets a default route).
// The bridge is shared with the stack's own namespace hosts (`npm run up`'s second local host,
// infra/services/host2.sh): they sit at STACK_HOST_ADDRESSES, named berth-stack-*, with ports
// bs-*; a test network names its own berth-tn-* and tn-*, and its cleanup leaves the others (and
// the bridge, while they use it) alone. infra/lib/common.sh repeats the stack's values for the
// bring-up scripts; constants.test.ts checks that both agree.

export const BRIDGE = "berthnet0";
export const SUBNET = "10.231.0.0/24";
export const PREFIX = 24;
/** The root namespace's address on the bridge: the test DNS server answers here on port 53. */
export const GATEWAY = "10.231.0.1";
/** A test network's hosts get FIRST_HOST_OCTET, +1, … in order of creation (.2–.10 are the stack's). */
export const FIRST_HOST_OCTET = 11;
export const LAST_HOST_OCTET = 99;
/** A test network's namespaces: `berth-tn-<name>` (hosts and stand-ins alike). */
export const NAMESPACE_PREFIX = "berth-tn-";
/** The root namespace's end of each veth pair: `tn-<name>` (at most 15 characters). */
export const VETH_PREFIX = "tn-";
export const MAX_NAME_LENGTH = 12;

export type StandIn = "internet" | "lan" | "meta";
/** Namespaces that play the outside world. */
export const STAND_INS: Record<StandIn, { address: string }> = {
  internet: { address: "10.231.0.200" },
  lan: { address: "10.231.0.201" },
  meta: { address: "10.231.0.202" },
};
/** The cloud metadata address, given to `lo` inside berth-tn-meta and routed to it from each namespace host only. */
export const METADATA_ADDRESS = "169.254.169.254";

/** A test host's own Docker networks: clear of the first engine's (10.198/16, 10.208/12), the stack host's (10.234/24, 10.235/16), 172.17/16 and SUBNET. */
export const HOST_DOCKER_BIP = "10.232.0.1/24";
export const HOST_DOCKER_POOL = "10.233.0.0/16";

/** Stand-in registries listen inside berth-tn-internet on FIRST_REGISTRY_PORT, +1, … */
export const FIRST_REGISTRY_PORT = 5001;

export const DEFAULT_DIR = ".berth/testnet";

/** The stack's own namespace hosts (never a test network's): namespace, port on the bridge, address. */
export const STACK_NAMESPACE_PREFIX = "berth-stack-";
export const STACK_VETH_PREFIX = "bs-";
/** `npm run up`'s second local host (host id `<this host's id>-2`): `berth-stack-2`, port `bs-2`. */
export const STACK_HOST_ADDRESSES = { "2": "10.231.0.2" } as const;
/** Its engine's default bridge and pool, inside its own network namespace. */
export const STACK_HOST_DOCKER_BIP = "10.234.0.1/24";
export const STACK_HOST_DOCKER_POOL = "10.235.0.0/16";
