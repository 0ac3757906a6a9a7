import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { generateHostKey, openFromHost, publicKeyOf, sealToHost } from "./host-seal.ts";

describe("host seal", () => {
  it("opens with the host's private key what was sealed to its public key", () => {
    const host = generateHostKey();
    const sealed = sealToHost(host.publicKey, JSON.stringify({ API_KEY: "s3cret-value" }));
    assert.equal(sealed.includes("s3cret"), false);
    assert.deepEqual(JSON.parse(openFromHost(host.privateKeyPem, sealed)), { API_KEY: "s3cret-value" });
  });

  it("derives the same public key from the private key file", () => {
    const host = generateHostKey();
    assert.equal(publicKeyOf(host.privateKeyPem), host.publicKey);
  });

  it("refuses to open with another host's key, or a changed ciphertext", () => {
    const a = generateHostKey();
    const b = generateHostKey();
    const sealed = sealToHost(a.publicKey, "x");
    assert.throws(() => openFromHost(b.privateKeyPem, sealed));
    const parts = sealed.split(".");
    parts[4] = Buffer.from("y").toString("base64url");
    assert.throws(() => openFromHost(a.privateKeyPem, parts.join(".")));
  });

  it("seals the same text differently each time", () => {
    const host = generateHostKey();
    assert.notEqual(sealToHost(host.publicKey, "same"), sealToHost(host.publicKey, "same"));
  });
});
