// When a new replica is ready to serve: the one rule. The app's own health check when it sets one
// (HTTP or TCP from the replica's host); else the image's HEALTHCHECK, as the Engine runs it (ready at
// `healthy`, failed at `unhealthy`); else the default HTTP check (core's DEFAULT_HEALTH_CHECK).
import { DEFAULT_HEALTH_CHECK, type HealthCheck } from "@berth/core/apps";
import type { HostJobPayload } from "@berth/core/host-jobs";
import { describeHealthcheck, type ImageHealthcheck } from "@berth/core/image-config";

export type ReadinessCheck = {
  check: HostJobPayload<"containerProbe">["check"];
  /** For the deploy log: `GET /healthz, up to 40 tries 250 ms apart`. */
  description: string;
  /** How long the host may take to answer. */
  timeoutMs: number;
};

const MARGIN_MS = 30_000;

export function readinessCheck(app: HealthCheck | undefined, image: ImageHealthcheck | null): ReadinessCheck {
  if (!app && image) {
    // The Engine declares `unhealthy` after `retries` failures in a row once the start period is over;
    // allow one more round, and never wait past 15 minutes.
    const deadlineMs = Math.min((image.startPeriodS + (image.retries + 1) * (image.intervalS + image.timeoutS)) * 1000 + MARGIN_MS, 15 * 60_000);
    return {
      check: { type: "engine", deadlineMs },
      description: `${describeHealthcheck(image)}, until the Engine reports it healthy (at most ${Math.round(deadlineMs / 1000)} s)`,
      timeoutMs: deadlineMs + MARGIN_MS,
    };
  }
  const hc = app ?? DEFAULT_HEALTH_CHECK;
  const what = hc.type === "http" ? `GET ${hc.path}` : "TCP connect";
  return {
    check: hc,
    description: `${what}, up to ${hc.attempts} tries ${hc.intervalMs} ms apart${app ? "" : " (the default: neither the app nor its image sets a health check)"}`,
    timeoutMs: hc.attempts * (hc.intervalMs + hc.timeoutS * 1000) + MARGIN_MS,
  };
}
