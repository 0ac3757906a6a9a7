import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { refuseBuildKitOnly } from "./buildkit-only.ts";
import { parseDockerfile } from "./parse-dockerfile.ts";

const check = (text: string) => {
  const source = Buffer.from(text);
  refuseBuildKitOnly(parseDockerfile(source), source);
};
const B = "FROM 127.0.0.1:5000/berth/busybox:latest\n";

describe("refuseBuildKitOnly", () => {
  it("names each BuildKit-only flag with its instruction and line", () => {
    const cases: [string, string][] = [
      ["RUN --mount=type=cache,target=/c true", "RUN --mount"],
      ["RUN --network=none true", "RUN --network"],
      ["RUN --security=insecure true", "RUN --security"],
      ["COPY --link f /f", "COPY --link"],
      ["COPY --parents f /d/", "COPY --parents"],
      ["COPY --chmod=755 f /f", "COPY --chmod"],
      ["ADD --chmod=755 f /f", "ADD --chmod"],
      ["ADD --checksum=sha256:abc https://example.com/f /f", "ADD --checksum"],
      ["COPY --exclude=x . /", "COPY --exclude"],
      ["ADD --keep-git-dir=true f /f", "ADD --keep-git-dir"],
      ["copy --chown=1:1 --link f /f", "COPY --link"],
    ];
    for (const [line, feature] of cases) {
      assert.throws(
        () => check(`${B}\n${line}\n`),
        (e: Error) => e.message === `line 3: ${feature} needs BuildKit, which Berth's builder does not run yet`,
        line,
      );
    }
  });

  it("names heredocs in RUN and COPY", () => {
    assert.throws(() => check(`${B}RUN <<EOF\necho hi\nEOF\n`), /line 2: a heredoc \(<<EOF\) in RUN needs BuildKit/);
    assert.throws(() => check(`${B}COPY <<-"END" /x\n  hi\nEND\n`), /line 2: a heredoc \(<<END\) in COPY needs BuildKit/);
  });

  it("accepts what the classic builder builds: # syntax=, --chown, --from, --platform, a here-string, << inside a command", () => {
    check(`# syntax=docker/dockerfile:1\n${B}COPY --chown=1:1 f /f\nRUN cat <<< hi\nRUN echo '<<EOF'\nFROM --platform=linux/amd64 x\n`);
  });
});
