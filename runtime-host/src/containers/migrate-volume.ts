// Moves an older Berth's volume (named from slugs: `berth-<team>-<app>-<volume>`) to the volume
// named from the app's id. Docker cannot rename a volume, so: copy, verify, then switch.
// - Whose data is it? Slug-made names could be two apps' at once (team "a-b" app "c", team "a"
//   app "b-c"). If a container of another app (or one Berth did not make) uses the old volume,
//   nothing is moved and the start fails with a message: an instance admin decides.
// - The app's own containers on the old volume are removed first (they are replicas being
//   replaced, and one started again on the old data after the move would split it in two), so
//   nothing writes to it during the copy.
// - The copy goes through the Engine's archive endpoints of a container that is created but
//   never started (the app's own image, no network): no helper image is needed on the host.
//   Each file's type, mode, owner, size and SHA-256 (or link target) is compared afterwards.
// - The new volume is labelled `berth.migrated-from`; the old one is removed only once the copy is
//   verified. A new volume with that label beside a still-present old one is an unfinished copy:
//   it is made again (unless a container already uses it).
import { createHash, randomBytes } from "node:crypto";
import { once } from "node:events";
import { Readable } from "node:stream";
import { AppError } from "@berth/core";
import { LABELS } from "@berth/core/host-jobs";
import type Docker from "dockerode";
import * as tar from "tar-stream";
import type { VolumeOwner } from "./app-volumes.ts";

const FROM = "berth-from";
const TO = "berth-to";
/** On the never-started container that copies: the old volume's name. One left by a crash is the app's own, and removed. */
const COPY_LABEL = "berth.volume-copy";

export const volumeOwnerLabels = (owner: VolumeOwner, volume: string): Record<string, string> => ({
  [LABELS.managed]: "true",
  [LABELS.teamId]: owner.teamId,
  [LABELS.appId]: owner.appId,
  [LABELS.volume]: volume,
});

export type MigrateVolume = { from: string; to: string; volume: string; owner: VolumeOwner; image: string; redo: boolean };

/** Each path in a volume (relative to its root) -> its type, mode, owner, size and SHA-256 or link target. */
type Listing = Map<string, string>;

export async function migrateVolume(docker: Docker, m: MigrateVolume): Promise<{ entries: number }> {
  await clearUsers(docker, m);
  if (m.redo) {
    const users = await docker.listContainers({ all: true, filters: { volume: [m.to] } });
    if (users.length > 0) {
      throw new AppError(
        "CONFLICT",
        `volume ${m.to} was copied from ${m.from} only in part, and a container already uses it; an instance admin must finish the move`,
      );
    }
    await docker.getVolume(m.to).remove();
  }
  await docker.createVolume({ Name: m.to, Labels: { ...volumeOwnerLabels(m.owner, m.volume), [LABELS.migratedFrom]: m.from } });
  // Never started: its entrypoint need not exist, and it has no network.
  const copier: Docker.Container = await docker.createContainer({
    name: `berth-migrate-${randomBytes(6).toString("hex")}`,
    Image: m.image,
    Entrypoint: ["/berth-never-started"],
    Cmd: [],
    // Set here, so labels of the same names on the image cannot stand in for them.
    Labels: { [LABELS.managed]: "false", [LABELS.appId]: m.owner.appId, [COPY_LABEL]: m.from },
    NetworkDisabled: true,
    HostConfig: {
      NetworkMode: "none",
      Mounts: [
        { Type: "volume", Source: m.from, Target: `/${FROM}`, ReadOnly: true },
        { Type: "volume", Source: m.to, Target: `/${TO}`, VolumeOptions: { NoCopy: true } as Docker.MountSettings["VolumeOptions"] },
      ],
    },
  });
  let entries = 0;
  try {
    const source = await copy(copier);
    const copied = await listing((await copier.getArchive({ path: `/${TO}` })) as Readable);
    const difference = firstDifference(source, copied);
    if (difference) throw new AppError("INTERNAL", `copying volume ${m.from} to ${m.to} did not verify (${difference}); the old volume is kept as it was`);
    entries = source.size;
  } finally {
    await copier.remove({ force: true, v: false }).catch(() => undefined);
  }
  await docker.getVolume(m.from).remove();
  return { entries };
}

/** Refuses when another app's (or a foreign) container uses the old volume; removes this app's. */
async function clearUsers(docker: Docker, m: MigrateVolume): Promise<void> {
  const users = await docker.listContainers({ all: true, filters: { volume: [m.from] } });
  // Berth sets berth.app-id on every app container it makes (older ones had team and app only).
  const mine = (labels: Record<string, string>) =>
    labels[LABELS.appId]
      ? labels[LABELS.appId] === m.owner.appId && (labels[LABELS.managed] === "true" || labels[COPY_LABEL] === m.from)
      : labels[LABELS.managed] === "true" && labels[LABELS.team] === m.owner.team && labels[LABELS.app] === m.owner.app;
  const others = users.filter((c) => !mine(c.Labels ?? {}));
  if (others.length > 0) {
    throw new AppError(
      "CONFLICT",
      `volume ${m.from} (named by an older Berth) is also used by ${others.length} container(s) that are not app ${m.owner.app}'s; Berth cannot tell whose data it holds and does not move it. An instance admin must copy it into volume ${m.to} or remove it.`,
    );
  }
  for (const c of users) await docker.getContainer(c.Id).remove({ force: true, v: false });
}

const relativeTo = (name: string, root: string): string | null => {
  const n = name.replace(/^\.\//, "");
  if (n === root || n === `${root}/`) return "";
  return n.startsWith(`${root}/`) ? n.slice(root.length + 1).replace(/\/$/, "") : null;
};

const describe = (h: tar.Header, rest: string): string => `${h.type} ${(h.mode ?? 0).toString(8)} ${h.uid ?? 0}:${h.gid ?? 0} ${h.size ?? 0} ${rest}`;

/** Streams the old volume's archive into the new one, renaming its root, and lists what passed through. */
async function copy(copier: Docker.Container): Promise<Listing> {
  const pack = tar.pack();
  const seen: Listing = new Map();
  const put = copier.putArchive(Readable.from(pack), { path: "/" });
  try {
    const source = (await copier.getArchive({ path: `/${FROM}` })) as Readable;
    for await (const entry of entries(source)) {
      const h = entry.header;
      const rel = relativeTo(h.name, FROM);
      if (rel === null) throw new Error(`unexpected path in the volume's archive: ${h.name}`);
      const link = h.type === "link" && h.linkname ? relativeTo(h.linkname, FROM) : null;
      // A long name travels in the pax header: it is the renamed one now.
      const pax = { ...((h.pax as Record<string, string> | null | undefined) ?? {}) };
      delete pax.path;
      delete pax.linkpath;
      const header = { ...h, name: rel === "" ? `${TO}/` : `${TO}/${rel}`, ...(link !== null ? { linkname: `${TO}/${link}` } : {}), pax } as tar.Header;
      const hash = createHash("sha256");
      await packEntry(pack, header, entry, hash);
      seen.set(rel, describe(h, h.type === "symlink" || h.type === "link" ? `-> ${link ?? h.linkname}` : hash.digest("hex")));
    }
    pack.finalize();
  } catch (err) {
    pack.destroy(err as Error);
    await put.catch(() => undefined);
    throw err;
  }
  await put;
  return seen;
}

async function listing(archive: Readable): Promise<Listing> {
  const seen: Listing = new Map();
  for await (const entry of entries(archive)) {
    const h = entry.header;
    const rel = relativeTo(h.name, TO);
    if (rel === null) throw new Error(`unexpected path in the copy's archive: ${h.name}`);
    const hash = createHash("sha256");
    for await (const chunk of entry) hash.update(chunk as Buffer);
    const link = h.type === "link" && h.linkname ? relativeTo(h.linkname, TO) : null;
    seen.set(rel, describe(h, h.type === "symlink" || h.type === "link" ? `-> ${link ?? h.linkname}` : hash.digest("hex")));
  }
  return seen;
}

function entries(archive: Readable): AsyncIterable<Readable & { header: tar.Header }> {
  const extract = tar.extract();
  archive.on("error", (err) => extract.destroy(err));
  archive.pipe(extract as unknown as NodeJS.WritableStream);
  return extract as unknown as AsyncIterable<Readable & { header: tar.Header }>;
}

function packEntry(pack: tar.Pack, header: tar.Header, data: AsyncIterable<unknown>, hash: ReturnType<typeof createHash>): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const out = pack.entry(header, (err) => (err ? reject(err) : resolve()));
    (async () => {
      for await (const chunk of data) {
        hash.update(chunk as Buffer);
        if (!out.write(chunk as Buffer)) await once(out, "drain");
      }
      out.end(undefined as never);
    })().catch((err: Error) => {
      out.destroy(err);
      reject(err);
    });
  });
}

function firstDifference(a: Listing, b: Listing): string | null {
  for (const [path, what] of a) {
    const other = b.get(path);
    if (other === undefined) return `${path || "/"} is missing`;
    if (other !== what) return `${path || "/"} differs: ${what} vs ${other}`;
  }
  for (const path of b.keys()) if (!a.has(path)) return `${path} was not in the original`;
  return null;
}
