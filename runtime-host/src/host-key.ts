// This host's own key pair for secrets sealed to it (core/src/host-seal.ts): made on first start,
// kept in a file only root reads, its public half reported with every heartbeat. Losing the file
// only means a new key: the control plane seals to whatever key the latest heartbeat reported.
import { chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { generateHostKey, type HostKeyPair, publicKeyOf } from "@berth/core/host-seal";

export async function loadHostKey(file: string): Promise<HostKeyPair> {
  try {
    const privateKeyPem = await readFile(file, "utf8");
    return { privateKeyPem, publicKey: publicKeyOf(privateKeyPem) };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
  }
  const pair = generateHostKey();
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  // "wx": two agents starting at once with the same file keep the first one's key.
  await writeFile(file, pair.privateKeyPem, { mode: 0o600, flag: "wx" }).catch(async (err: NodeJS.ErrnoException) => {
    if (err.code !== "EEXIST") throw err;
  });
  await chmod(file, 0o600);
  const privateKeyPem = await readFile(file, "utf8");
  return { privateKeyPem, publicKey: publicKeyOf(privateKeyPem) };
}
