// The bridge and the stack's namespace host are named twice: here for TypeScript (tests, the test
// network) and in infra/lib/common.sh for the bring-up scripts. Both must say the same.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { it } from "node:test";
import {
  BRIDGE,
  FIRST_HOST_OCTET,
  GATEWAY,
  HOST_DOCKER_BIP,
  PREFIX,
  STACK_HOST_ADDRESSES,
  STACK_HOST_DOCKER_BIP,
  STACK_HOST_DOCKER_POOL,
  STACK_NAMESPACE_PREFIX,
  STACK_VETH_PREFIX,
  SUBNET,
} from "./constants.ts";

const commonSh = readFileSync(join(import.meta.dirname, "../lib/common.sh"), "utf8");
const shell = (name: string) => new RegExp(`^${name}=(\\S+)$`, "m").exec(commonSh)?.[1];

it("infra/lib/common.sh names the bridge and the second local host as constants.ts does", () => {
  assert.deepEqual(
    {
      HOSTNET_BRIDGE: shell("HOSTNET_BRIDGE"),
      HOSTNET_GATEWAY: shell("HOSTNET_GATEWAY"),
      HOST2_NAMESPACE: shell("HOST2_NAMESPACE"),
      HOST2_VETH: shell("HOST2_VETH"),
      HOST2_ADDRESS: shell("HOST2_ADDRESS"),
      HOST2_DOCKER_BIP: shell("HOST2_DOCKER_BIP"),
      HOST2_DOCKER_POOL: shell("HOST2_DOCKER_POOL"),
    },
    {
      HOSTNET_BRIDGE: BRIDGE,
      HOSTNET_GATEWAY: `${GATEWAY}/${PREFIX}`,
      HOST2_NAMESPACE: `${STACK_NAMESPACE_PREFIX}2`,
      HOST2_VETH: `${STACK_VETH_PREFIX}2`,
      HOST2_ADDRESS: STACK_HOST_ADDRESSES["2"],
      HOST2_DOCKER_BIP: STACK_HOST_DOCKER_BIP,
      HOST2_DOCKER_POOL: STACK_HOST_DOCKER_POOL,
    },
  );
});

it("keeps the stack's addresses on the subnet, below the test network's hosts, and its engine's networks apart", () => {
  for (const address of Object.values(STACK_HOST_ADDRESSES)) {
    assert.equal(address.split(".").slice(0, 3).join("."), SUBNET.split(".").slice(0, 3).join("."));
    assert.ok(Number(address.split(".")[3]) < FIRST_HOST_OCTET, address);
  }
  assert.notEqual(STACK_HOST_DOCKER_BIP.split(".").slice(0, 2).join("."), HOST_DOCKER_BIP.split(".").slice(0, 2).join("."));
});
