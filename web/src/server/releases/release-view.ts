import { appConfig, DEFAULT_APP_CONFIG, releaseConfig, type releaseView as releaseViewSchema } from "@berth/core";
import type { Release } from "@berth/db";
import type { z } from "zod";

export type ReleaseView = z.infer<typeof releaseViewSchema>;

/** A release as the API shows it: its config and env keys, never env values. */
export function releaseView(r: Release, name: (id: string | null) => string | null): ReleaseView {
  const snapshot = releaseConfig.safeParse(r.config);
  const config = snapshot.success ? snapshot.data.app : (appConfig.safeParse((r.config as { app?: unknown } | null)?.app ?? {}).data ?? DEFAULT_APP_CONFIG);
  return {
    id: r.id,
    version: r.version,
    imageRef: r.imageRef,
    digest: r.digest,
    config,
    envKeys: snapshot.success ? snapshot.data.env.map((e) => e.key) : [],
    createdBy: name(r.createdBy),
    createdAt: r.createdAt.toISOString(),
  };
}
