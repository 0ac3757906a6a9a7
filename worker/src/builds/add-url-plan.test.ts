import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { planAddUrls, rewriteDockerfile } from "./add-url-plan.ts";
import { refuseRemoteAddSources } from "./remote-add-sources.ts";

describe("planAddUrls / rewriteDockerfile", () => {
  const dockerfile = Buffer.from(
    [
      "# escape=\\",
      "FROM busybox",
      "# a comment",
      "ADD --chown=1:2 https://example.com/dl/tool.tgz \\",
      "    /opt/",
      'ADD ["http://example.com/a.txt", "http://example.com/b.txt", "/data/"]',
      "ADD local.tar /srv/",
      "ADD $URL /x",
      'ADD "http://example.com/q" /q',
      "ONBUILD ADD http://example.com/o /o",
      "RUN echo done",
      "",
    ].join("\n"),
  );

  it("takes only plain URL sources, in order", () => {
    const steps = planAddUrls(dockerfile);
    assert.deepEqual(
      steps.map((s) => [s.urls, s.dest, s.flags]),
      [
        [["https://example.com/dl/tool.tgz"], "/opt/", ["--chown=1:2"]],
        [["http://example.com/a.txt", "http://example.com/b.txt"], "/data/", []],
      ],
    );
  });

  it("turns each into a COPY of the fetched files and keeps every other instruction and the directives", () => {
    const steps = planAddUrls(dockerfile);
    const out = rewriteDockerfile(dockerfile, steps, [[".berth-add/1/tool.tgz"], [".berth-add/2/a.txt", ".berth-add/3/b.txt"]]).toString();
    assert.equal(
      out,
      [
        "# escape=\\",
        "FROM busybox",
        'COPY --chown=1:2 [".berth-add/1/tool.tgz", "/opt/"]',
        'COPY [".berth-add/2/a.txt", ".berth-add/3/b.txt", "/data/"]',
        "ADD local.tar /srv/",
        "ADD $URL /x",
        'ADD "http://example.com/q" /q',
        "ONBUILD ADD http://example.com/o /o",
        "RUN echo done",
        "",
      ].join("\n"),
    );
    // What is left is still refused, with its reason.
    assert.throws(() => refuseRemoteAddSources(out), /ADD \$URL: a variable/);
    assert.doesNotThrow(() =>
      refuseRemoteAddSources(
        rewriteDockerfile(Buffer.from("FROM x\nADD http://e.com/f /f\n"), planAddUrls("FROM x\nADD http://e.com/f /f\n"), [[".berth-add/1/f"]]),
      ),
    );
  });
});
