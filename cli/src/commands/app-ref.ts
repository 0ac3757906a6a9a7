// `<team>/<app>` arguments, and the short deployment ids tables show.
import type { ApiClient } from "../api-client.ts";
import { UsageError } from "../errors.ts";

export type AppRef = { team: string; app: string };

export function parseAppRef(text: string): AppRef {
  const m = /^([^/\s]+)\/([^/\s]+)$/.exec(text);
  if (!m?.[1] || !m[2]) throw new UsageError(`"${text}" is not <team>/<app>`);
  return { team: m[1], app: m[2] };
}

export const shortId = (id: string) => id.slice(0, 8);

/** A full deployment id from the first characters of one (as tables show them). */
export async function resolveDeploymentId(api: ApiClient, ref: AppRef, id: string): Promise<string> {
  if (id.length >= 36) return id;
  if (id.length < 4) throw new UsageError(`"${id}" is too short to name a deployment; give at least 4 characters of its id`);
  const { data } = await api.call("listDeployments", { params: ref });
  const matches = data.deployments.filter((d) => d.id.startsWith(id));
  if (matches.length === 1 && matches[0]) return matches[0].id;
  if (matches.length > 1) throw new UsageError(`"${id}" names more than one deployment; give more of its id`);
  // Not among the newest 50: let the API say whether the id exists.
  return id;
}
