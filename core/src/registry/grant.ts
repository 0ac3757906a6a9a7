// One entry of a registry token's `access` claim (Docker token spec).
export type Grant = { type: string; name: string; actions: string[] };
