// What Berth takes from an image's own config (the JSON blob its manifest names): the ports it
// EXPOSEs, its HEALTHCHECK and its platform. Pure: web reads the config at the API (the app's port),
// the worker at deploy (the replica's readiness); both interpret it here.

export type ImageHealthcheck = {
  /** `["CMD", …]` or `["CMD-SHELL", "…"]`. */
  test: string[];
  intervalS: number;
  timeoutS: number;
  startPeriodS: number;
  retries: number;
};

export type ImageDefaults = {
  /** EXPOSEd TCP ports, ascending. */
  exposedPorts: number[];
  /** The image's HEALTHCHECK; null when it has none (or `HEALTHCHECK NONE`). */
  healthcheck: ImageHealthcheck | null;
  /** `linux/amd64` (with `/v8` and the like when the image says). */
  platform: string | null;
};

// The Engine's own defaults for a HEALTHCHECK that leaves a value out (docker/docker daemon/health.go).
const ENGINE_DEFAULT = { intervalS: 30, timeoutS: 30, startPeriodS: 0, retries: 3 };
const seconds = (ns: unknown, fallback: number) => (typeof ns === "number" && ns > 0 ? Math.ceil(ns / 1e9) : fallback);

// biome-ignore lint/suspicious/noExplicitAny: an image config is loosely shaped JSON from a registry
export function imageDefaults(config: any): ImageDefaults {
  const c = config?.config ?? {};
  const exposedPorts = [
    ...new Set(
      Object.keys(c.ExposedPorts ?? {})
        .map((k) => /^(\d{1,5})(?:\/(tcp|udp|sctp))?$/i.exec(k))
        .filter((m): m is RegExpExecArray => m !== null && (m[2] ?? "tcp").toLowerCase() === "tcp")
        .map((m) => Number(m[1]))
        .filter((p) => p >= 1 && p <= 65_535),
    ),
  ].sort((a, b) => a - b);
  const hc = c.Healthcheck;
  const test: string[] = Array.isArray(hc?.Test) ? hc.Test.map(String) : [];
  const healthcheck =
    test.length > 0 && test[0] !== "NONE"
      ? {
          test,
          intervalS: seconds(hc.Interval, ENGINE_DEFAULT.intervalS),
          timeoutS: seconds(hc.Timeout, ENGINE_DEFAULT.timeoutS),
          startPeriodS: seconds(hc.StartPeriod, ENGINE_DEFAULT.startPeriodS),
          retries: typeof hc.Retries === "number" && hc.Retries > 0 ? hc.Retries : ENGINE_DEFAULT.retries,
        }
      : null;
  const os = typeof config?.os === "string" ? config.os : null;
  const arch = typeof config?.architecture === "string" ? config.architecture : null;
  const platform = os && arch ? [os, arch, typeof config?.variant === "string" ? config.variant : ""].filter(Boolean).join("/") : null;
  return { exposedPorts, healthcheck, platform };
}

/** The app's port when none was given: the image's lowest EXPOSEd TCP port, and a sentence saying so. */
export function portFromImage(exposed: number[]): { port: number; note: string } | null {
  const [port] = exposed;
  if (port === undefined) return null;
  const note =
    exposed.length === 1
      ? `port ${port}, from the image's EXPOSE`
      : `port ${port}, the lowest of the ports the image EXPOSEs (${exposed.join(", ")}); set the port to use another`;
  return { port, note };
}

/** How the image's HEALTHCHECK reads in a deploy log: `CMD-SHELL wget -q -O- localhost:8080/ every 5 s`. */
export function describeHealthcheck(hc: ImageHealthcheck): string {
  return `the image's HEALTHCHECK (${hc.test.join(" ")}; every ${hc.intervalS} s, ${hc.retries} retries)`;
}
