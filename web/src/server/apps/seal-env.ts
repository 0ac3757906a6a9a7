// Env values as stored: secrets sealed with the instance key (core/src/secret-box.ts), plain
// values as given. Secret values are never returned by the API and never logged.
import { seal } from "@berth/core/secret-box";

export type EnvInput = Record<string, { value: string; secret: boolean }>;

export const sealedValue = (encryptionKey: string, v: { value: string; secret: boolean }) => (v.secret ? seal(encryptionKey, v.value) : v.value);

export function sealEnv(encryptionKey: string, input: EnvInput | undefined): { key: string; value: string; secret: boolean }[] {
  return Object.entries(input ?? {}).map(([key, v]) => ({ key, value: sealedValue(encryptionKey, v), secret: v.secret }));
}
