import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { outboundAllowEntry, parseAllowEntry } from "./outbound-allow.ts";

describe("parseAllowEntry", () => {
  it("reads names, *.domain, addresses and ranges", () => {
    assert.deepEqual(parseAllowEntry("Git.Corp.Lan"), { kind: "name", name: "git.corp.lan" });
    assert.deepEqual(parseAllowEntry("*.corp.lan"), { kind: "suffix", suffix: ".corp.lan" });
    assert.deepEqual(parseAllowEntry("10.0.5.7"), { kind: "range", address: "10.0.5.7", prefix: 32, family: 4 });
    assert.deepEqual(parseAllowEntry("10.0.5.0/24"), { kind: "range", address: "10.0.5.0", prefix: 24, family: 4 });
    assert.deepEqual(parseAllowEntry("fd00::/8"), { kind: "range", address: "fd00::", prefix: 8, family: 6 });
  });

  it("narrows a name, *.domain or one address to a port", () => {
    assert.deepEqual(parseAllowEntry("git.corp.lan:8443"), { kind: "name", name: "git.corp.lan", port: 8443 });
    assert.deepEqual(parseAllowEntry("*.corp.lan:443"), { kind: "suffix", suffix: ".corp.lan", port: 443 });
    assert.deepEqual(parseAllowEntry("127.0.0.1:5001"), { kind: "range", address: "127.0.0.1", prefix: 32, family: 4, port: 5001 });
    assert.deepEqual(parseAllowEntry("[fd00::7]:5000"), { kind: "range", address: "fd00::7", prefix: 128, family: 6, port: 5000 });
  });

  it("refuses what is none of these", () => {
    for (const bad of [
      "",
      "not a host!",
      "1.2.3",
      "10.0.0.0/33",
      "10.0.0.0/8:80",
      "[10.0.0.1]:80",
      "[git.lan]:80",
      "x:0",
      "x:65536",
      "git.lan:",
      "*.",
      "-x.lan",
    ])
      assert.equal(parseAllowEntry(bad), null, bad);
    assert.equal(outboundAllowEntry.safeParse("10.0.0.0/8:80").success, false);
  });
});
