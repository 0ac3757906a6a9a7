// An app's named volumes, made ready before a container of it is created: each is named from the
// app's id (core's volumeName) and labelled with its owner. One that exists with another owner's
// labels, or without Berth's, is never mounted: the start fails with a message saying so.
// A volume that does not exist yet but an older Berth's slug-named one does is moved over first
// (migrate-volume.ts). Each volume is prepared one at a time in this process, so concurrent
// replica starts of an app never race to make or move it.
import { AppError } from "@berth/core";
import { volumeName } from "@berth/core/apps";
import { type ContainerSpec, LABELS } from "@berth/core/host-jobs";
import type Docker from "dockerode";
import { migrateVolume, volumeOwnerLabels } from "./migrate-volume.ts";
import { oneAtATime } from "./one-at-a-time.ts";

export type VolumeOwner = { teamId: string; team: string; appId: string; app: string };
export type ReadyVolume = { name: string; target: string };

export async function ensureAppVolumes(docker: Docker, spec: ContainerSpec): Promise<ReadyVolume[]> {
  if (spec.volumes.length === 0) return [];
  const { appId, teamId, team, app } = spec.labels;
  if (!appId) throw new AppError("BAD_REQUEST", "a container with volumes needs its app's id");
  const owner: VolumeOwner = { teamId, team, appId, app: app ?? appId };
  const ready: ReadyVolume[] = [];
  for (const v of spec.volumes) {
    const name = volumeName(appId, v.name);
    await oneAtATime(`volume:${name}`, () =>
      ensureVolume(docker, { name, volume: v.name, legacyName: v.legacyName, legacyShared: v.legacyShared === true, owner, image: spec.image }),
    );
    ready.push({ name, target: v.target });
  }
  return ready;
}

type Wanted = { name: string; volume: string; legacyName?: string; legacyShared: boolean; owner: VolumeOwner; image: string };

async function ensureVolume(docker: Docker, v: Wanted): Promise<void> {
  const existing = await inspectVolume(docker, v.name);
  const legacy = v.legacyName ? await inspectVolume(docker, v.legacyName) : null;
  if (existing) {
    checkOwner(v.name, existing.Labels ?? {}, v);
    // A copy from the older volume is finished once that volume is gone; otherwise it stopped half-way.
    if (!legacy || !v.legacyName || existing.Labels?.[LABELS.migratedFrom] !== v.legacyName) return;
  } else if (!legacy || !v.legacyName) {
    await docker.createVolume({ Name: v.name, Labels: volumeOwnerLabels(v.owner, v.volume) });
    const made = await inspectVolume(docker, v.name);
    checkOwner(v.name, made?.Labels ?? {}, v);
    return;
  }
  if (v.legacyShared) {
    throw new AppError(
      "CONFLICT",
      `volume ${v.legacyName} (named by an older Berth) could be app ${v.owner.app}'s or another app's whose team and app names join into the same name; Berth does not move it. An instance admin must copy it into volume ${v.name} or remove it.`,
    );
  }
  await migrateVolume(docker, { from: v.legacyName, to: v.name, volume: v.volume, owner: v.owner, image: v.image, redo: existing !== null });
}

function checkOwner(name: string, labels: Record<string, string>, v: { volume: string; owner: VolumeOwner }): void {
  const mine =
    labels[LABELS.managed] === "true" &&
    labels[LABELS.teamId] === v.owner.teamId &&
    labels[LABELS.appId] === v.owner.appId &&
    labels[LABELS.volume] === v.volume;
  if (mine) return;
  const whose = labels[LABELS.managed] === "true" ? "is labelled as another app's" : "was not made by Berth";
  throw new AppError(
    "CONFLICT",
    `volume ${name} on this host ${whose}; Berth does not mount it into app ${v.owner.app} (volume "${v.volume}"). An instance admin must remove or rename it.`,
  );
}

export async function inspectVolume(docker: Docker, name: string): Promise<Docker.VolumeInspectInfo | null> {
  try {
    return (await docker.getVolume(name).inspect()) as Docker.VolumeInspectInfo;
  } catch (err) {
    if ((err as { statusCode?: number }).statusCode === 404) return null;
    throw err;
  }
}
