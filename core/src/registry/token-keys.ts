// The registry token signing key (EC P-256) and its certificate, loaded once per process.
// `kid` is libtrust's key id: SHA-256 of the key's SPKI DER, first 240 bits, base32, in
// groups of four joined by ":". The certificate travels in `x5c` as well.
import { createHash, createPrivateKey, createPublicKey, type KeyObject, X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";

export type TokenKeys = { key: KeyObject; kid: string; x5c: string[] };

const BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

function base32(bytes: Buffer): string {
  let bits = 0;
  let value = 0;
  let out = "";
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  return out;
}

export function libtrustKeyId(publicKey: KeyObject): string {
  const der = publicKey.export({ type: "spki", format: "der" });
  const digest = createHash("sha256").update(der).digest().subarray(0, 30);
  return (base32(digest).match(/.{4}/g) ?? []).join(":");
}

export function loadTokenKeys(keyPath: string, certPath: string): TokenKeys {
  const key = createPrivateKey(readFileSync(keyPath));
  const cert = new X509Certificate(readFileSync(certPath));
  return { key, kid: libtrustKeyId(createPublicKey(key)), x5c: [cert.raw.toString("base64")] };
}

/** Loads the keys on first use (a process that never talks to the registry never reads them). */
export function lazyTokenKeys(keyPath: string, certPath: string): () => TokenKeys {
  let keys: TokenKeys | undefined;
  return () => {
    keys ??= loadTokenKeys(keyPath, certPath);
    return keys;
  };
}
