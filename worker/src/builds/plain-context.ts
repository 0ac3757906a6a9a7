// A build context file as an uncompressed tar, in place: uploads may be gzipped, and tar can neither
// append to nor delete from a compressed archive. Steps that edit the context call this first.
import { createReadStream, createWriteStream } from "node:fs";
import { open, rename } from "node:fs/promises";
import { pipeline } from "node:stream/promises";
import { createGunzip } from "node:zlib";

const GZIP_MAGIC = Buffer.from([0x1f, 0x8b, 0x08]);

export async function ensurePlainContext(contextPath: string): Promise<void> {
  const head = Buffer.alloc(3);
  const fh = await open(contextPath, "r");
  try {
    await fh.read(head, 0, 3, 0);
  } finally {
    await fh.close();
  }
  if (!head.equals(GZIP_MAGIC)) return;
  const plain = `${contextPath}.plain`;
  await pipeline(createReadStream(contextPath), createGunzip(), createWriteStream(plain));
  await rename(plain, contextPath);
}
