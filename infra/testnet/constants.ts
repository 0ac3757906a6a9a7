// The test network's names and addresses, in one place. Everything lives on a private /24 that Berth
// owns; nothing routes beyond it (no namespace gets a default route).

export const BRIDGE = "berthnet0";
export const SUBNET = "10.231.0.0/24";
export const PREFIX = 24;
/** The root namespace's address on the bridge: the test DNS server answers here on port 53. */
export const GATEWAY = "10.231.0.1";
/** Namespace hosts get FIRST_HOST_OCTET, +1, … in order of creation. */
export const FIRST_HOST_OCTET = 11;
export const LAST_HOST_OCTET = 99;
export const NAMESPACE_PREFIX = "berth-";
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
/** The cloud metadata address, given to `lo` inside berth-meta and routed to it from each namespace host only. */
export const METADATA_ADDRESS = "169.254.169.254";

/** A namespace host's own Docker networks: clear of 10.198/16, 10.199/16, 10.200/14, 10.208/12, 172.17/16 and SUBNET. */
export const HOST_DOCKER_BIP = "10.232.0.1/24";
export const HOST_DOCKER_POOL = "10.233.0.0/16";

/** Stand-in registries listen inside berth-internet on FIRST_REGISTRY_PORT, +1, … */
export const FIRST_REGISTRY_PORT = 5001;

export const DEFAULT_DIR = ".berth/testnet";
