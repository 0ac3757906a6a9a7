import { releaseConfigForView } from "@berth/control/releases/release-config";
import type { releaseView as releaseViewSchema } from "@berth/core";
import type { Release } from "@berth/db";
import type { z } from "zod";

export type ReleaseView = z.infer<typeof releaseViewSchema>;

/** A release as the API shows it: its config and env keys, never env values. */
export function releaseView(r: Release, name: (id: string | null) => string | null): ReleaseView {
  const { app: config, envKeys } = releaseConfigForView(r);
  return {
    id: r.id,
    version: r.version,
    imageRef: r.imageRef,
    digest: r.digest,
    platform: r.platform,
    config,
    envKeys,
    createdBy: name(r.createdBy),
    createdAt: r.createdAt.toISOString(),
  };
}
