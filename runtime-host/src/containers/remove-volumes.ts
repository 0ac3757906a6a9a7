// volumes.remove: an app was deleted (alone or with its team). Its volumes go, found by their
// owner label (never by name). One a container still uses is kept and reported; the worker has removed
// the app's containers first, so that is a container still stopping, or a one-off still running.
import { LABELS } from "@berth/core/host-jobs";
import type Docker from "dockerode";

export async function removeVolumes(docker: Docker, appId: string): Promise<{ removed: string[]; inUse: string[] }> {
  const label = [`${LABELS.managed}=true`, `${LABELS.appId}=${appId}`];
  const { Volumes } = await docker.listVolumes({ filters: { label } });
  const removed: string[] = [];
  const inUse: string[] = [];
  for (const v of Volumes ?? []) {
    try {
      await docker.getVolume(v.Name).remove();
      removed.push(v.Name);
    } catch (err) {
      const status = (err as { statusCode?: number }).statusCode;
      if (status === 409) inUse.push(v.Name);
      else if (status !== 404) throw err;
    }
  }
  return { removed, inUse };
}
