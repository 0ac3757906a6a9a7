import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type AllowEntry, parseAllowEntry } from "@berth/core/outbound-allow";
import { matchAllow } from "./allow-match.ts";

const entries = (...raw: string[]) => raw.map((r) => parseAllowEntry(r) as AllowEntry);

describe("matchAllow", () => {
  it("a name entry allows that name whatever it resolves to, even loopback", () => {
    const list = entries("git.corp.lan");
    assert.ok(matchAllow(list, { host: "git.corp.lan", address: "10.0.5.7", port: 80, exactOnly: false }));
    assert.ok(matchAllow(list, { host: "git.corp.lan", address: "127.0.0.1", port: 80, exactOnly: true }));
    assert.equal(matchAllow(list, { host: "evil.git.corp.lan", address: "10.0.5.7", port: 80, exactOnly: false }), undefined);
    assert.equal(matchAllow(list, { host: "10.0.5.7", address: "10.0.5.7", port: 80, exactOnly: false }), undefined);
  });

  it("a *.domain entry allows names below the domain, not the domain, and never loopback", () => {
    const list = entries("*.corp.lan");
    assert.ok(matchAllow(list, { host: "registry.corp.lan", address: "10.0.5.8", port: 80, exactOnly: false }));
    assert.equal(matchAllow(list, { host: "corp.lan", address: "10.0.5.8", port: 80, exactOnly: false }), undefined);
    assert.equal(matchAllow(list, { host: "xcorp.lan", address: "10.0.5.8", port: 80, exactOnly: false }), undefined);
    assert.equal(matchAllow(list, { host: "registry.corp.lan", address: "127.0.0.1", port: 80, exactOnly: true }), undefined);
  });

  it("a range allows addresses inside it but never opens what needs an exact entry", () => {
    const list = entries("10.0.5.0/24", "0.0.0.0/0");
    assert.ok(matchAllow(list, { host: "10.0.5.9", address: "10.0.5.9", port: 80, exactOnly: false }));
    assert.ok(matchAllow(entries("10.0.5.0/24"), { host: "x.lan", address: "::ffff:10.0.5.9", port: 80, exactOnly: false }));
    assert.equal(matchAllow(entries("10.0.5.0/24"), { host: "10.0.6.1", address: "10.0.6.1", port: 80, exactOnly: false }), undefined);
    assert.equal(matchAllow(list, { host: "127.0.0.1", address: "127.0.0.1", port: 80, exactOnly: true }), undefined);
  });

  it("one address is an exact entry, in either IPv4 form", () => {
    assert.ok(matchAllow(entries("127.0.0.1"), { host: "127.0.0.1", address: "127.0.0.1", port: 80, exactOnly: true }));
    assert.ok(matchAllow(entries("127.0.0.1"), { host: "::ffff:7f00:1", address: "::ffff:7f00:1", port: 80, exactOnly: true }));
    assert.equal(matchAllow(entries("127.0.0.2"), { host: "127.0.0.1", address: "127.0.0.1", port: 80, exactOnly: true }), undefined);
  });

  it("an entry with a port allows only that port", () => {
    const list = entries("127.0.0.1:4567", "git.corp.lan:8443");
    assert.ok(matchAllow(list, { host: "127.0.0.1", port: 4567, address: "127.0.0.1", exactOnly: true }));
    assert.equal(matchAllow(list, { host: "127.0.0.1", port: 2019, address: "127.0.0.1", exactOnly: true }), undefined);
    assert.ok(matchAllow(list, { host: "git.corp.lan", port: 8443, address: "10.0.0.9", exactOnly: false }));
    assert.equal(matchAllow(list, { host: "git.corp.lan", port: 22, address: "10.0.0.9", exactOnly: false }), undefined);
  });

  it("IPv6 ranges", () => {
    assert.ok(matchAllow(entries("fd00::/8"), { host: "fd00::7", address: "fd00::7", port: 80, exactOnly: false }));
    assert.equal(matchAllow(entries("fd00::/8"), { host: "fe80::1", address: "fe80::1", port: 80, exactOnly: false }), undefined);
    assert.equal(matchAllow(entries("::/0"), { host: "::1", address: "::1", port: 80, exactOnly: true }), undefined);
  });
});
