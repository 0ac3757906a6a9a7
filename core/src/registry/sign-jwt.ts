// ES256 JWTs as the registry verifies them: raw r||s signatures (IEEE P1363), not DER.
import { sign } from "node:crypto";
import type { TokenKeys } from "./token-keys.ts";

const b64url = (v: Buffer | string) => Buffer.from(v).toString("base64url");

export function signJwt(keys: TokenKeys, claims: Record<string, unknown>): string {
  const header = { typ: "JWT", alg: "ES256", kid: keys.kid, x5c: keys.x5c };
  const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
  const signature = sign("sha256", Buffer.from(input), { key: keys.key, dsaEncoding: "ieee-p1363" });
  return `${input}.${b64url(signature)}`;
}
