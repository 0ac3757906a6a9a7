// The one reader of a release's frozen config: every user of `release.config` goes through here.
import { AppError } from "@berth/core";
import { type AppConfig, appConfig, DEFAULT_APP_CONFIG, type ReleaseConfig, releaseConfig } from "@berth/core/apps";

/** A release's config snapshot. A snapshot that no longer parses can't be run again: that's a CONFLICT the caller names. */
export function releaseConfigOf(release: { version: number; config: unknown }): ReleaseConfig {
  const parsed = releaseConfig.safeParse(release.config);
  if (parsed.success) return parsed.data;
  throw new AppError("CONFLICT", `release v${release.version} has no usable config snapshot: deploy a new release`);
}

/** What can be shown of a snapshot even when it no longer parses whole (the API's release view). */
export function releaseConfigForView(release: { config: unknown }): { app: AppConfig; envKeys: string[] } {
  const parsed = releaseConfig.safeParse(release.config);
  if (parsed.success) return { app: parsed.data.app, envKeys: parsed.data.env.map((e) => e.key) };
  const app = appConfig.safeParse((release.config as { app?: unknown } | null)?.app ?? {});
  return { app: app.success ? app.data : DEFAULT_APP_CONFIG, envKeys: [] };
}
