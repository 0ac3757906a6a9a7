// Where the CLI keeps its login, and the environment variables that override it. This is the
// only file that reads process.env; everything else gets an `Environment` passed in.
import { chmod, mkdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { CliError, EXIT } from "./errors.ts";

export type StoredConfig = { url: string; token: string };

export type Environment = {
  /** The config file: BERTH_CONFIG, else `$XDG_CONFIG_HOME/berth/config.json` (`~/.config/...`). */
  configPath: string;
  /** BERTH_URL: overrides the saved URL. */
  url: string | undefined;
  /** BERTH_TOKEN: overrides the saved token (and is what `berth login` saves when --token is absent). */
  token: string | undefined;
  /** BERTH_DEBUG: print stack traces of unexpected failures. */
  debug: boolean;
};

export function environment(env: Record<string, string | undefined> = process.env): Environment {
  const set = (name: string) => {
    const v = env[name]?.trim();
    return v ? v : undefined;
  };
  const configHome = set("XDG_CONFIG_HOME") ?? join(set("HOME") ?? homedir(), ".config");
  return {
    configPath: set("BERTH_CONFIG") ?? join(configHome, "berth", "config.json"),
    url: set("BERTH_URL"),
    token: set("BERTH_TOKEN"),
    debug: Boolean(set("BERTH_DEBUG")),
  };
}

/** Reads the saved login; null when there is none. `warn` hears about a file others can read. */
export async function readConfig(path: string, warn: (message: string) => void = () => {}): Promise<StoredConfig | null> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw new CliError(`cannot read ${path}: ${(err as Error).message}`);
  }
  const mode = (await stat(path)).mode & 0o777;
  // The file holds a bearer token: like ssh, complain when others can read it.
  if (mode & 0o077) warn(`${path} is readable by other users (mode ${mode.toString(8)}); run: chmod 600 ${path}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new CliError(`${path} is not valid JSON`, { hint: "run `berth login <url>` again, or delete the file" });
  }
  const c = parsed as Partial<Record<keyof StoredConfig, unknown>> | null;
  if (typeof c?.url !== "string" || typeof c.token !== "string") {
    throw new CliError(`${path} does not hold a url and a token`, { hint: "run `berth login <url>` again, or delete the file" });
  }
  return { url: c.url, token: c.token };
}

/** Saves the login, readable by its owner only (file 0600, a new directory 0700), atomically. */
export async function writeConfig(path: string, config: StoredConfig): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    await writeFile(tmp, `${JSON.stringify({ url: config.url, token: config.token }, null, 2)}\n`, { mode: 0o600, flag: "w" });
    // The mode given to writeFile is masked by the umask and ignored for an existing file.
    await chmod(tmp, 0o600);
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw new CliError(`cannot write ${path}: ${(err as Error).message}`);
  }
}

/** Forgets the saved login; false when there was none. */
export async function deleteConfig(path: string): Promise<boolean> {
  try {
    await rm(path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return false;
    throw new CliError(`cannot delete ${path}: ${(err as Error).message}`);
  }
}

export type Credentials = { url: string; token: string; tokenFrom: "BERTH_TOKEN" | "config" };

/** The URL and token to call the API with: environment first, then the saved login. */
export function credentials(env: Environment, saved: StoredConfig | null): Credentials {
  const url = env.url ?? saved?.url;
  const token = env.token ?? saved?.token;
  if (!url || !token) {
    const missing =
      !url && !token ? "" : !url ? " (BERTH_TOKEN is set but no URL: set BERTH_URL too)" : " (BERTH_URL is set but no token: set BERTH_TOKEN too)";
    throw new CliError(`not logged in${missing}`, { exitCode: EXIT.unauthenticated, hint: "run `berth login <url>` with an access token from the dashboard" });
  }
  return { url, token, tokenFrom: env.token ? "BERTH_TOKEN" : "config" };
}
