// Following a log without gaps or duplicates: a viewer keeps the cursor of the last line it
// showed; history answers and live batches may overlap or arrive out of order around a
// (re)connect, so every batch goes through here: only lines after the cursor, each once, in order.
import { compareCursors } from "./logs.ts";

export type Cursored = { id: string };

export function mergeNewer<T extends Cursored>(lastId: string | undefined, ...batches: readonly (readonly T[])[]): { lines: T[]; lastId: string | undefined } {
  const fresh = new Map<string, T>();
  for (const batch of batches) for (const line of batch) if (lastId === undefined || compareCursors(line.id, lastId) > 0) fresh.set(line.id, line);
  const lines = [...fresh.values()].sort((a, b) => compareCursors(a.id, b.id));
  return { lines, lastId: lines.at(-1)?.id ?? lastId };
}
