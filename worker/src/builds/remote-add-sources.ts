// The last line before the engine: no `ADD <url>` may reach it. The engine downloads such a source
// itself, from the build host's own network, before any step runs: no check Berth makes beforehand
// can hold that request to a checked address, so it would reach loopback services (Caddy's admin
// API) and private networks past the outbound policy. The plain form is fetched by the worker
// instead (fetch-add-sources.ts) and is a COPY by the time this runs; what is left is refused here.
// Sources are read loosely on purpose: anything that may become a URL once the builder processes
// quotes, escapes or variables (`"http"://`, `h\ttp://`, `$URL`) is refused, ONBUILD triggers too.
// A `RUN wget …` step runs in the build's own network instead (which is fenced like an app's).
import { redactUrl } from "@berth/core/apps";
import { BuildFailure } from "./build-errors.ts";
import { asText, type Instruction, parseDockerfile, splitWords } from "./parse-dockerfile.ts";

const HOW = "download it in a RUN step (RUN wget -O <file> <url>) or put the file in the build context and COPY it";

/** The ADD sources of an instruction, as the builder splits them (JSON array, else words). */
function addSources(args: string): string[] {
  const text = asText(args).trim();
  if (text.startsWith("[")) {
    try {
      const list: unknown = JSON.parse(text);
      if (Array.isArray(list) && list.every((w) => typeof w === "string")) return (list as string[]).slice(0, -1);
    } catch {
      // Not JSON: the builder then takes it as words, as below.
    }
  }
  return splitWords(args).map(asText).slice(0, -1);
}

/** Why one instruction (or ONBUILD trigger) is refused, or undefined. */
export function remoteAddRefusal(ins: Instruction, prefix = ""): string | undefined {
  if (ins.command === "onbuild") {
    for (const inner of parseDockerfile(Buffer.from(ins.args, "latin1"))) {
      const refused = remoteAddRefusal(inner, `${prefix}ONBUILD `);
      if (refused) return refused;
    }
    return undefined;
  }
  if (ins.command !== "add") return undefined;
  for (const source of addSources(ins.args)) {
    const plain = source.replace(/[\\"'`]/g, "");
    const shown = redactUrl(plain).slice(0, 200);
    if (plain.includes("://")) return `${prefix}ADD ${shown}: Berth does not let the engine fetch URLs (it would bypass the outbound policy); ${HOW}`;
    if (plain.includes("$"))
      return `${prefix}ADD ${shown}: a variable in an ADD source could name a URL, which Berth does not let the engine fetch; name the file directly, or use COPY for files of the build context`;
  }
  return undefined;
}

/** Throws a BuildFailure for the first ADD with a remote (or possibly remote) source. */
export function refuseRemoteAddSources(dockerfile: Buffer | string, context = ""): void {
  for (const ins of parseDockerfile(dockerfile)) {
    const refused = remoteAddRefusal(ins);
    if (refused) throw new BuildFailure(`${context}${refused}`);
  }
}
