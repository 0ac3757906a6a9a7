// Docker token-spec scopes: `repository:<name>:<actions>`, `registry:catalog:*`, repeated
// `scope` parameters or space-separated lists. Malformed parts are dropped (granting nothing)
// rather than failing the whole request, as the spec allows partial grants.
export type RequestedScope = { type: "repository" | "registry"; name: string; actions: string[] };

// Distribution's repository name grammar: lowercase path components separated by "/".
const COMPONENT = /^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*$/;
const ACTIONS = new Set(["pull", "push", "delete", "*"]);

export const MAX_SCOPE_LENGTH = 1024;
export const MAX_SCOPES = 32;

export function isRepositoryName(name: string): boolean {
  if (name.length === 0 || name.length > 255) return false;
  const parts = name.split("/");
  return parts.length >= 2 && parts.every((p) => COMPONENT.test(p));
}

export function parseScopes(raw: string[]): RequestedScope[] {
  const out: RequestedScope[] = [];
  for (const param of raw) {
    if (param.length > MAX_SCOPE_LENGTH * MAX_SCOPES) continue;
    for (const item of param.split(" ")) {
      if (!item || item.length > MAX_SCOPE_LENGTH || out.length >= MAX_SCOPES) continue;
      // The name may not contain ":", so a host:port prefix makes the scope malformed.
      const parts = item.split(":");
      if (parts.length !== 3) continue;
      const [type, name, actionList] = parts as [string, string, string];
      const actions = [...new Set(actionList.split(","))].filter((a) => ACTIONS.has(a));
      if (actions.length === 0) continue;
      if (type === "repository" && isRepositoryName(name)) out.push({ type, name, actions });
      else if (type === "registry" && name === "catalog" && actions.includes("*")) out.push({ type, name, actions: ["*"] });
    }
  }
  return out;
}
