// Access token secrets: `berth_pat_` + 40 base62 characters (~238 bits). Only a SHA-256 of the
// secret is stored; a high-entropy secret needs no slow hash, and lookups stay one index probe.
import { createHash, randomInt } from "node:crypto";
import { TOKEN_PREFIX } from "@berth/core";

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

export function newTokenSecret(): string {
  let s = TOKEN_PREFIX;
  for (let i = 0; i < 40; i++) s += ALPHABET[randomInt(ALPHABET.length)];
  return s;
}

export const hashSecret = (secret: string): string => createHash("sha256").update(secret).digest("hex");

/** What lists show to recognise a token: the prefix and the first 4 random characters. */
export const displayPrefix = (secret: string): string => secret.slice(0, TOKEN_PREFIX.length + 4);
