// Image references, parsed once for every process: the grammar of distribution's `reference`
// package (what the docker CLI and the engine use), the docker CLI's normalisation, and what
// Berth's own registry adds (its aliases). A reference naming no registry means what it means to
// the docker CLI: Docker Hub (`postgres:16` is `docker.io/library/postgres:16`).
import { AppError } from "./errors.ts";

export type ImageRef = {
  /** The registry, `host[:port]` as written; absent when the reference names none (`acme/web`). */
  domain?: string;
  /** The repository inside the registry: `acme/web`, `library/postgres`. */
  path: string;
  tag?: string;
  /** `sha256:<64 hex>` (or sha384 / sha512). */
  digest?: string;
};

/** A reference whose registry is known (after `normalizeImageRef` or `qualifyImageRef`). */
export type QualifiedImageRef = ImageRef & { domain: string };

export type ParsedImageRef =
  | { ok: true; ref: ImageRef }
  /** `domain`: the registry the text names, when it could be told apart (a build names its base image's registry in its refusal). */
  | { ok: false; error: string; domain?: string };

export const DOCKER_HUB = "docker.io";
const LEGACY_DOCKER_HUB = "index.docker.io";
const OFFICIAL_NAMESPACE = "library";
const NAME_MAX = 255;
/** Longer than any valid reference (name, tag and digest at their limits): refused before any pattern runs. */
const INPUT_MAX = 600;

const ALNUM = "[a-z0-9]+";
const SEPARATOR = "(?:[._]|__|-+)";
const PATH_COMPONENT = `${ALNUM}(?:${SEPARATOR}${ALNUM})*`;
const DOMAIN_COMPONENT = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
const HOST = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[a-fA-F0-9:]+\\])`;
const DOMAIN = new RegExp(`^${HOST}(?::[0-9]+)?$`);
const TAG = "[\\w][\\w.-]{0,127}";
const DIGEST = "[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}";
const REMAINDER = new RegExp(`^(${PATH_COMPONENT}(?:/${PATH_COMPONENT})*)(?::(${TAG}))?(?:@(${DIGEST}))?$`);
/** What go-digest can verify: anything else the engine refuses as unsupported. */
const DIGEST_HEX_LENGTH: Record<string, number> = { sha256: 64, sha384: 96, sha512: 128 };
const IMAGE_ID = /^[a-f0-9]{64}$/;

const EXAMPLE = "[registry/]name[:tag][@digest], e.g. acme/web:1";

/** Reads a reference the way `docker pull` does; the registry stays as written (see `normalizeImageRef`). */
export function parseImageRef(input: string): ParsedImageRef {
  if (input === "") return { ok: false, error: "the image reference is empty" };
  if (input.length > INPUT_MAX) return { ok: false, error: `the image reference is longer than ${INPUT_MAX} characters` };
  if (IMAGE_ID.test(input)) return { ok: false, error: `${input} is an image id: name the repository instead (${EXAMPLE})` };
  // The docker CLI's rule: the first component names a registry when it could not be a repository
  // path (a dot, a port, uppercase) or is `localhost`.
  const slash = input.indexOf("/");
  const first = input.slice(0, slash);
  const hasDomain = slash !== -1 && (/[.:]/.test(first) || first === "localhost" || first.toLowerCase() !== first);
  const domain = hasDomain ? first : undefined;
  const remainder = hasDomain ? input.slice(slash + 1) : input;
  const fail = (error: string): ParsedImageRef => ({ ok: false, error, ...(domain === undefined ? {} : { domain }) });

  if (domain !== undefined && !DOMAIN.test(domain)) return fail(`"${input}" is not an image reference: "${domain}" is not a registry host[:port]`);
  const match = REMAINDER.exec(remainder);
  if (!match) {
    const name = remainder.replace(/[:@].*$/, "");
    if (REMAINDER.test(remainder.toLowerCase()) && name.toLowerCase() !== name)
      return fail(`"${input}" is not an image reference: the repository name (${name}) must be lowercase`);
    return fail(`"${input}" is not an image reference (${EXAMPLE})`);
  }
  const [, path = "", tag, digest] = match;
  if ((domain === undefined ? 0 : domain.length + 1) + path.length > NAME_MAX)
    return fail(`"${input}" is not an image reference: the name is longer than ${NAME_MAX} characters`);
  if (digest !== undefined) {
    const [algorithm = "", hex = ""] = digest.split(":");
    const length = DIGEST_HEX_LENGTH[algorithm];
    if (length === undefined) return fail(`"${input}" is not an image reference: unsupported digest algorithm ${algorithm} (sha256, sha384 or sha512)`);
    if (hex.length !== length || !/^[a-f0-9]+$/.test(hex))
      return fail(`"${input}" is not an image reference: a ${algorithm} digest is ${length} lowercase hexadecimal digits`);
  }
  return {
    ok: true,
    ref: { ...(domain === undefined ? {} : { domain }), path, ...(tag === undefined ? {} : { tag }), ...(digest === undefined ? {} : { digest }) },
  };
}

/** Like `parseImageRef`, for a reference that must be valid: otherwise a BAD_REQUEST saying why. */
export function requireImageRef(input: string): ImageRef {
  const parsed = parseImageRef(input);
  if (!parsed.ok) throw new AppError("BAD_REQUEST", parsed.error);
  return parsed.ref;
}

export function formatImageRef(ref: ImageRef): string {
  return `${ref.domain === undefined ? "" : `${ref.domain}/`}${ref.path}${ref.tag === undefined ? "" : `:${ref.tag}`}${ref.digest === undefined ? "" : `@${ref.digest}`}`;
}

/**
 * The docker CLI's normalisation: a reference naming no registry is on Docker Hub,
 * `index.docker.io` is `docker.io`, a one-component name on Docker Hub is an official image
 * (`library/…`), and a reference with neither tag nor digest means `:latest`.
 */
export function normalizeImageRef(ref: ImageRef): QualifiedImageRef {
  const domain = ref.domain === undefined || ref.domain === LEGACY_DOCKER_HUB ? DOCKER_HUB : ref.domain;
  const path = domain === DOCKER_HUB && !ref.path.includes("/") ? `${OFFICIAL_NAMESPACE}/${ref.path}` : ref.path;
  return { ...ref, domain, path, ...(ref.tag === undefined && ref.digest === undefined ? { tag: "latest" } : {}) };
}

/** `repo:tag` + digest -> `repo@digest`: exactly that image, even after the tag moves. */
export function pinImageRef<T extends ImageRef>(ref: T, digest: string): T {
  const { tag: _tag, ...rest } = ref;
  return { ...rest, digest } as T;
}

/** Whether two `host[:port]` names are one registry (host names are case-insensitive). */
export function isSameRegistry(a: string, b: string): boolean {
  const canonical = (d: string) => (d.toLowerCase() === LEGACY_DOCKER_HUB ? DOCKER_HUB : d.toLowerCase());
  return canonical(a) === canonical(b);
}

/** The repository path of `ref` when it names one of a registry's names (`aliases`); undefined otherwise, or when it names no registry. */
export function repositoryIn(ref: ImageRef, aliases: readonly string[]): string | undefined {
  const { domain } = ref;
  return domain !== undefined && aliases.some((a) => isSameRegistry(domain, a)) ? ref.path : undefined;
}

// --- Berth's own registry ---

/** The names of Berth's registry; the first is the one stored in references. */
export type RegistryAliases = readonly [stored: string, ...others: string[]];

export function berthRegistryAliases(port: number): RegistryAliases {
  return [`127.0.0.1:${port}`, `localhost:${port}`];
}

/**
 * A reference as Berth stores it: normalised like the docker CLI (so one naming no registry is on
 * Docker Hub), with any name of Berth's registry replaced by its stored one.
 */
export function qualifyImageRef(ref: ImageRef, berth: RegistryAliases): QualifiedImageRef {
  const normal = normalizeImageRef(ref);
  return repositoryIn(normal, berth) === undefined ? normal : { ...normal, domain: berth[0] };
}

/** The repository in Berth's registry a stored reference names (`acme/web`), or undefined for an invalid reference or another registry. */
export function berthRepositoryOf(input: string, berth: RegistryAliases): string | undefined {
  const parsed = parseImageRef(input);
  return parsed.ok ? repositoryIn(qualifyImageRef(parsed.ref, berth), berth) : undefined;
}
