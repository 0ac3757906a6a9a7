import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { BuildFailure } from "./build-errors.ts";
import { refuseRemoteAddSources } from "./remote-add-sources.ts";

const refused = (dockerfile: string) => {
  try {
    refuseRemoteAddSources(dockerfile);
    return undefined;
  } catch (e) {
    assert.ok(e instanceof BuildFailure);
    return e.message;
  }
};

describe("refuseRemoteAddSources", () => {
  it("refuses ADD of a URL in every spelling the builder reads as one", () => {
    for (const line of [
      "ADD http://127.0.0.1:2019/config/ /x",
      "add https://example.com/a.tgz /x/",
      "ADD --chown=1:1 http://10.231.0.201/ /x",
      'ADD ["http://127.0.0.1:2019/config/", "/x"]',
      'ADD "http://127.0.0.1:2019/" /x',
      "ADD h\\ttp://127.0.0.1:2019/ /x",
      "ADD local.txt http://127.0.0.1/ /dir/",
      "ONBUILD ADD http://169.254.169.254/latest/ /x",
    ])
      assert.match(refused(`FROM scratch\n${line}\n`) ?? "", /ADD .*(does not let the engine fetch URLs|could name a URL)/, line);
  });

  it("refuses a variable in an ADD source (it could expand to a URL)", () => {
    assert.match(refused("FROM scratch\nARG U=http://127.0.0.1:2019/\nADD $U /x\n") ?? "", /variable in an ADD source/);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a Dockerfile's variable, not JavaScript's
    assert.match(refused("FROM scratch\nADD ${U} /x\n") ?? "", /variable/);
  });

  it("hides credentials in the message", () => {
    assert.ok(!(refused("FROM scratch\nADD https://u:tok@example.com/f /f\n") ?? "").includes("tok"));
  });

  it("lets local sources, COPY and variables in the destination through", () => {
    assert.equal(refused("FROM scratch\nADD app.tar.gz /srv/\nADD --chown=1:1 a b /dir/\nCOPY . $HOME/\nADD x $HOME/\nRUN wget http://x/\n"), undefined);
  });
});
