// The BullMQ job id of a registry event: a digest of the event id, so any id maps to a
// distinct, queue-safe job id and a re-delivered event collapses into the first.
import { createHash } from "node:crypto";

export const registryEventJobId = (eventId: string) => `regevent-${createHash("sha256").update(eventId).digest("hex").slice(0, 32)}`;
