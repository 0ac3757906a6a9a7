// Applies a config patch: given fields replace the stored ones, `cmd: null` drops the override and
// `build: null` the build settings, `healthCheck: null` the app's own check.
import { type AppConfig, type AppConfigPatch, appConfig } from "@berth/core";

export function mergeConfig(base: AppConfig, patch: AppConfigPatch | undefined): AppConfig {
  if (!patch) return base;
  const { cmd, build, healthCheck, ...rest } = patch;
  const merged: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(rest)) if (v !== undefined) merged[k] = v;
  if (cmd === null) delete merged.cmd;
  else if (cmd !== undefined) merged.cmd = cmd;
  if (healthCheck === null) delete merged.healthCheck;
  else if (healthCheck !== undefined) merged.healthCheck = healthCheck;
  if (build === null) delete merged.build;
  else if (build !== undefined) merged.build = build;
  return appConfig.parse(merged);
}
