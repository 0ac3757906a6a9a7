import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { joinArgs, splitArgs } from "./split-args.ts";

describe("splitArgs", () => {
  it("splits on whitespace and groups quoted words", () => {
    assert.deepEqual(splitArgs(`sh -c 'echo "hi there"; ls'  /tmp`), { args: ["sh", "-c", 'echo "hi there"; ls', "/tmp"] });
    assert.deepEqual(splitArgs(`printf "%s\\n" a\\ b ""`), { args: ["printf", "%s\\n", "a b", ""] });
  });

  it("expands nothing a shell would", () => {
    assert.deepEqual(splitArgs("echo $HOME `id` *"), { args: ["echo", "$HOME", "`id`", "*"] });
  });

  it("refuses an unclosed quote", () => {
    assert.deepEqual(splitArgs(`echo "oops`), { error: 'a " quote is not closed' });
  });
});

describe("joinArgs", () => {
  it("quotes only the words that need it, and splits back to the same argv", () => {
    const argv = ["busybox", "httpd", "-f", "-p", "8080", "-h", "/etc", "it's here", "", "$HOME"];
    assert.equal(joinArgs(argv.slice(0, 7)), "busybox httpd -f -p 8080 -h /etc");
    assert.deepEqual(splitArgs(joinArgs(argv)), { args: argv });
  });
});
