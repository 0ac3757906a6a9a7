// A busybox image as an OCI image layout on disk (no engine involved), made from Debian's
// busybox-static: the seed that skopeo copies into each stand-in registry.
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdir, readFile, realpath, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { buffer } from "node:stream/consumers";
import { promisify } from "node:util";
import { gzipSync } from "node:zlib";
import * as tar from "tar-stream";

const BUSYBOX = "/bin/busybox";
const MTIME = new Date("2024-01-01T00:00:00Z");

/** Writes the layout into `dir` and returns the skopeo source reference (`oci:DIR:TAG`). */
export async function writeBusyboxLayout(dir: string, tag = "1"): Promise<string> {
  const binary = await readFile(await realpath(BUSYBOX));
  const { stdout } = await promisify(execFile)(BUSYBOX, ["--list"]);
  const applets = stdout.split("\n").filter((a) => /^[a-z0-9_.[-]+$/i.test(a) && a !== "busybox");

  const pack = tar.pack();
  const done = buffer(pack);
  const entry = (header: Partial<tar.Header> & { name: string }, content: Buffer = Buffer.alloc(0)) =>
    new Promise<void>((resolve, reject) => {
      pack.entry({ ...header, mtime: MTIME, uid: 0, gid: 0 }, content, (err) => (err ? reject(err) : resolve()));
    });
  for (const name of ["bin", "etc", "tmp", "root"]) await entry({ name, type: "directory", mode: name === "tmp" ? 0o1777 : 0o755 });
  await entry({ name: "bin/busybox", mode: 0o755 }, binary);
  for (const applet of applets) await entry({ name: `bin/${applet}`, type: "symlink", linkname: "busybox" });
  await entry({ name: "etc/passwd", mode: 0o644 }, Buffer.from("root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n"));
  await entry({ name: "etc/group", mode: 0o644 }, Buffer.from("root:x:0:\nnogroup:x:65534:\n"));
  pack.finalize();
  const layerTar = await done;
  const layer = gzipSync(layerTar);

  const blobs = join(dir, "blobs", "sha256");
  await mkdir(blobs, { recursive: true });
  const put = async (content: Buffer) => {
    const hex = createHash("sha256").update(content).digest("hex");
    await writeFile(join(blobs, hex), content);
    return { digest: `sha256:${hex}`, size: content.length };
  };
  const config = Buffer.from(
    JSON.stringify({
      architecture: "amd64",
      os: "linux",
      created: MTIME.toISOString(),
      config: { Cmd: ["sh"], Env: ["PATH=/bin"] },
      rootfs: { type: "layers", diff_ids: [`sha256:${createHash("sha256").update(layerTar).digest("hex")}`] },
    }),
  );
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: "application/vnd.oci.image.manifest.v1+json",
      config: { mediaType: "application/vnd.oci.image.config.v1+json", ...(await put(config)) },
      layers: [{ mediaType: "application/vnd.oci.image.layer.v1.tar+gzip", ...(await put(layer)) }],
    }),
  );
  const index = {
    schemaVersion: 2,
    manifests: [
      { mediaType: "application/vnd.oci.image.manifest.v1+json", ...(await put(manifest)), annotations: { "org.opencontainers.image.ref.name": tag } },
    ],
  };
  await writeFile(join(dir, "index.json"), JSON.stringify(index));
  await writeFile(join(dir, "oci-layout"), JSON.stringify({ imageLayoutVersion: "1.0.0" }));
  return `oci:${dir}:${tag}`;
}
