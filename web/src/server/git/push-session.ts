// What web remembers about a push between spawning git http-backend and the pre-receive hook
// calling back: stored under a random secret (only the hook's environment has it), with a TTL,
// and deleted on first use or when the push's request ends.
import { z } from "zod";

export const PUSH_SESSION_TTL_S = 30 * 60;
export const pushSessionKey = (secret: string) => `berth:git-push:${secret}`;
export const pushSession = z.object({ teamId: z.string(), appId: z.string(), userId: z.string(), ip: z.string(), repo: z.string() });
export type PushSession = z.infer<typeof pushSession>;
