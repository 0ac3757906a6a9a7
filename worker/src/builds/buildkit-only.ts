// Dockerfile syntax only BuildKit understands. Berth builds with the Engine's classic builder, which
// fails on these with a parse error that does not say why ("Unknown flag: link", "unknown
// instruction: ECHO" for a heredoc's body): the build is refused first, naming the feature. Each
// was checked against this Engine's classic builder (Docker 20.10, DOCKER_BUILDKIT=0), which rejects
// all of them. A `# syntax=` directive is not among them: the classic builder ignores it and builds.
import { BuildFailure } from "./build-errors.ts";
import { asText, type Instruction } from "./parse-dockerfile.ts";

/** Flags per instruction that the classic builder rejects (flag names are case-sensitive there too). */
const BUILDKIT_FLAGS: Record<string, readonly string[]> = {
  run: ["mount", "network", "security"],
  copy: ["link", "parents", "chmod", "exclude"],
  add: ["link", "checksum", "chmod", "keep-git-dir", "exclude"],
};
// A heredoc marker as BuildKit reads one: <<EOF, <<-EOF, <<"EOF", <<'EOF'.
const HEREDOC = /<<(-?)(["']?)([A-Za-z_][A-Za-z0-9_]*)\2/g;

const refusal = (line: number, feature: string, verb = "needs") =>
  new BuildFailure(`line ${line}: ${feature} ${verb} BuildKit, which Berth's builder does not run yet`);

/** Throws a BuildFailure naming the first BuildKit-only feature the Dockerfile uses. */
export function refuseBuildKitOnly(instructions: Instruction[], source: Buffer): void {
  const lines = source
    .toString("latin1")
    .split("\n")
    .map((l) => l.replace(/\r$/, "").trim());
  for (const ins of instructions) {
    const known = BUILDKIT_FLAGS[ins.command];
    if (known) {
      for (const flag of ins.flags) {
        const name = flag.slice(2).split("=", 1)[0] ?? "";
        if (known.includes(name)) throw refusal(ins.line, `${ins.command.toUpperCase()} --${name}`);
      }
      // A heredoc's body follows on lines of its own, ended by its word alone on a line: the classic
      // builder reads those lines as instructions and fails on them.
      for (const m of asText(ins.args).matchAll(HEREDOC)) {
        const word = m[3] as string;
        if (lines.slice(ins.line).some((l) => l === word)) throw refusal(ins.line, `a heredoc (<<${word}) in ${ins.command.toUpperCase()}`);
      }
    }
  }
}
