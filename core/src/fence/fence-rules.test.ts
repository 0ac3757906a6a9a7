import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { fenceRestoreInput, isIpv4Cidr } from "./fence-rules.ts";

describe("fence rules", () => {
  const text = fenceRestoreInput({ name: "BERTH-T", interfaces: ["br-0123456789ab"], allow: ["10.5.0.0/16"] });
  const lines = text.split("\n");
  it("lets replies through first and leaves traffic within one bridge to Docker", () => {
    assert.match(lines[4] ?? "", /^-A BERTH-T-FWD -m conntrack --ctstate RELATED,ESTABLISHED .* -j RETURN$/);
    assert.ok(lines.includes("-A BERTH-T-FWD -i br-0123456789ab -o br-0123456789ab -m comment --comment berth -j RETURN"));
  });
  it("refuses published ports before an allowed range, and private ranges after it", () => {
    const at = (needle: string) => lines.findIndex((l) => l.includes(needle));
    assert.ok(at("--ctstate DNAT") < at("-d 10.5.0.0/16"));
    assert.ok(at("-d 10.5.0.0/16 -m comment --comment berth -j RETURN") < at("-d 10.0.0.0/8"));
    assert.ok(lines.includes("-A BERTH-T-EGRESS -d 169.254.0.0/16 -m comment --comment berth -j REJECT"));
    assert.ok(lines.includes("-A BERTH-T-IN -i br-0123456789ab -m comment --comment berth -j REJECT"));
  });
  it("refuses names and ranges it cannot write safely", () => {
    assert.throws(() => fenceRestoreInput({ name: "BERTH-T", interfaces: ["br-x -j ACCEPT"], allow: [] }));
    assert.throws(() => fenceRestoreInput({ name: "BERTH-T", interfaces: [], allow: ["10.0.0.0/33"] }));
    assert.equal(isIpv4Cidr("192.168.1.7"), true);
    assert.equal(isIpv4Cidr("fd00::/8"), false);
  });
});
