// Secrets on their way to one host: sealed to that host's own X25519 key, so they cross Redis
// (job payloads, BullMQ's streams, the AOF and RDB files) only as ciphertext that no other
// process can open. Each runtime-host makes its key pair on first start, keeps the private key
// in a file only root reads, and reports the public key with every heartbeat.
// Format: hs1.<ephemeral public key>.<iv>.<tag>.<ciphertext>, base64url; the AES-256-GCM key is
// HKDF-SHA256 of the X25519 shared secret, bound to both public keys.
import {
  createCipheriv,
  createDecipheriv,
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  hkdfSync,
  type KeyObject,
  randomBytes,
} from "node:crypto";

const VERSION = "hs1";
const INFO = Buffer.from("berth host seal v1");

export type HostKeyPair = { privateKeyPem: string; publicKey: string };

/** A new key pair: the private key as PKCS#8 PEM (for the host's file), the public key as base64url SPKI DER. */
export function generateHostKey(): HostKeyPair {
  const { privateKey, publicKey } = generateKeyPairSync("x25519");
  return { privateKeyPem: privateKey.export({ type: "pkcs8", format: "pem" }).toString(), publicKey: exportPublic(publicKey) };
}

/** The public key (base64url SPKI DER) of a private key in PEM. */
export const publicKeyOf = (privateKeyPem: string): string => exportPublic(createPublicKey(createPrivateKey(privateKeyPem)));

const exportPublic = (key: KeyObject) => key.export({ type: "spki", format: "der" }).toString("base64url");
const importPublic = (b64: string) => createPublicKey({ key: Buffer.from(b64, "base64url"), format: "der", type: "spki" });

function aesKey(shared: Buffer, ephemeral: string, recipient: string): Buffer {
  return Buffer.from(hkdfSync("sha256", shared, Buffer.from(`${ephemeral}.${recipient}`), INFO, 32));
}

/** Seals `plaintext` so that only the holder of `recipientPublicKey`'s private key can open it. */
export function sealToHost(recipientPublicKey: string, plaintext: string): string {
  const recipient = importPublic(recipientPublicKey);
  const eph = generateKeyPairSync("x25519");
  const ephPublic = exportPublic(eph.publicKey);
  const key = aesKey(diffieHellman({ privateKey: eph.privateKey, publicKey: recipient }), ephPublic, recipientPublicKey);
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  const data = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return [VERSION, ephPublic, iv.toString("base64url"), cipher.getAuthTag().toString("base64url"), data.toString("base64url")].join(".");
}

/** Opens what `sealToHost` sealed to this host's key; throws when it was sealed to another key or altered. */
export function openFromHost(privateKeyPem: string, sealed: string): string {
  const [version, ephPublic, iv, tag, data] = sealed.split(".");
  if (version !== VERSION || !ephPublic || !iv || !tag || data === undefined) throw new Error("not a value sealed to a host");
  const privateKey = createPrivateKey(privateKeyPem);
  const key = aesKey(diffieHellman({ privateKey, publicKey: importPublic(ephPublic) }), ephPublic, exportPublic(createPublicKey(privateKey)));
  const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64url"));
  decipher.setAuthTag(Buffer.from(tag, "base64url"));
  return Buffer.concat([decipher.update(Buffer.from(data, "base64url")), decipher.final()]).toString("utf8");
}
