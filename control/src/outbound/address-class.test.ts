import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { canonicalAddress, classifyAddress } from "./address-class.ts";

describe("classifyAddress", () => {
  const cases: Array<[string, string]> = [
    ["8.8.8.8", "public"],
    ["1.1.1.1", "public"],
    ["127.0.0.1", "loopback"],
    ["127.255.3.4", "loopback"],
    ["0.0.0.0", "unspecified"],
    ["10.231.0.200", "private"],
    ["172.16.0.1", "private"],
    ["172.31.255.255", "private"],
    ["172.32.0.1", "public"],
    ["192.168.1.1", "private"],
    ["100.64.0.1", "shared"],
    ["100.127.255.255", "shared"],
    ["100.128.0.1", "public"],
    ["169.254.169.254", "link-local"],
    ["224.0.0.1", "multicast"],
    ["255.255.255.255", "reserved"],
    ["198.18.0.1", "reserved"],
    ["::1", "loopback"],
    ["::", "unspecified"],
    ["fe80::1", "link-local"],
    ["fd00::7", "unique-local"],
    ["fc00::1", "unique-local"],
    ["ff02::1", "multicast"],
    ["2001:db8::1", "reserved"],
    ["2606:4700:4700::1111", "public"],
    ["::ffff:127.0.0.1", "loopback"],
    ["::ffff:7f00:1", "loopback"],
    ["::ffff:169.254.169.254", "link-local"],
    ["::ffff:10.0.0.1", "private"],
    ["::ffff:8.8.8.8", "public"],
    ["::127.0.0.1", "loopback"],
    ["64:ff9b::a9fe:a9fe", "link-local"],
    ["2002:7f00:1::", "loopback"],
    ["2002:0808:0808::1", "public"],
    ["4000::1", "reserved"],
  ];
  for (const [address, cls] of cases) it(`${address} is ${cls}`, () => assert.equal(classifyAddress(address), cls));

  it("throws on what is not an address", () => assert.throws(() => classifyAddress("localhost")));
});

describe("canonicalAddress", () => {
  it("reads IPv6 forms that carry IPv4 as that IPv4 address", () => {
    assert.equal(canonicalAddress("::ffff:127.0.0.1"), "127.0.0.1");
    assert.equal(canonicalAddress("::FFFF:0a00:0001"), "10.0.0.1");
  });
  it("compresses and lowercases other IPv6", () => assert.equal(canonicalAddress("FD00:0:0::7"), "fd00::7"));
  it("is null for a name", () => assert.equal(canonicalAddress("example.com"), null));
});
