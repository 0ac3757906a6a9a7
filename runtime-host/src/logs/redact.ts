// Secret values of an app never leave the host in its log: the values of the env vars the
// container's berth.secret-keys label names are replaced before a line is buffered. Very short
// values are left alone (replacing "1" or "on" would mangle every line).
import { REDACT_MIN_CHARS, REDACTED } from "@berth/core/logs";

export type Redactor = {
  /** Every occurrence of a secret value replaced. */
  redact: (text: string) => string;
  /** For a line that was cut: also a secret's beginning at the very end (the rest was cut away). */
  redactCutEnd: (text: string) => string;
};

/** The values of the named variables, from an inspect's Config.Env ("KEY=value" entries). */
export function secretValues(env: readonly string[] | null | undefined, keysLabel: string | undefined): string[] {
  const keys = new Set(
    (keysLabel ?? "")
      .split(",")
      .map((k) => k.trim())
      .filter(Boolean),
  );
  if (keys.size === 0) return [];
  const values: string[] = [];
  for (const entry of env ?? []) {
    const eq = entry.indexOf("=");
    if (eq > 0 && keys.has(entry.slice(0, eq))) values.push(entry.slice(eq + 1));
  }
  return values;
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

export function createRedactor(values: readonly string[]): Redactor {
  // Longest first, so a secret containing another is replaced whole.
  const secrets = [...new Set(values.filter((v) => v.length >= REDACT_MIN_CHARS))].sort((a, b) => b.length - a.length);
  if (secrets.length === 0) return { redact: (t) => t, redactCutEnd: (t) => t };
  const pattern = new RegExp(secrets.map(escapeRegExp).join("|"), "g");
  const redact = (text: string) => text.replace(pattern, REDACTED);
  return {
    redact,
    redactCutEnd(text) {
      const whole = redact(text);
      for (const secret of secrets)
        for (let k = Math.min(secret.length - 1, whole.length); k >= REDACT_MIN_CHARS; k--)
          if (whole.endsWith(secret.slice(0, k))) return whole.slice(0, whole.length - k) + REDACTED;
      return whole;
    },
  };
}
