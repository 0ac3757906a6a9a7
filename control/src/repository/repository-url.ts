// An app's repository URL at rest: the URL as shown (`https://***@git.example.com/x.git`) in
// `repoUrl`, and its credentials (`user:token`, as written in the URL) sealed with
// BERTH_ENCRYPTION_KEY in `repoCredentials`. Only the worker, when it fetches, puts them back.
import { open, seal } from "@berth/core/secret-box";

/** The userinfo of a URL: up to the authority's last `@` (a password may hold one). */
const USERINFO = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#\s]*)@/i;

export type StoredRepository = { repoUrl: string; repoCredentials: string | null };

/** The columns for a repository URL a user gave. */
export function storeRepositoryUrl(encryptionKey: string, url: string): StoredRepository {
  const m = USERINFO.exec(url);
  if (!m || m[2] === "" || m[2] === "***") return { repoUrl: url, repoCredentials: null };
  return { repoUrl: `${m[1]}***@${url.slice(m[0].length)}`, repoCredentials: seal(encryptionKey, m[2] as string) };
}

/** The URL to fetch: credentials back in place. A row from before sealing holds them in `repoUrl` itself. */
export function repositoryFetchUrl(encryptionKey: string, app: StoredRepository): string {
  if (!app.repoCredentials) return app.repoUrl;
  const m = USERINFO.exec(app.repoUrl);
  if (!m) return app.repoUrl;
  return `${m[1]}${open(encryptionKey, app.repoCredentials)}@${app.repoUrl.slice(m[0].length)}`;
}

/** Whether a stored row still holds credentials in the clear (from before they were sealed). */
export const holdsPlainCredentials = (app: StoredRepository) => {
  const m = USERINFO.exec(app.repoUrl);
  return !app.repoCredentials && m !== null && m[2] !== "" && m[2] !== "***";
};
