import assert from "node:assert/strict";
import { test } from "node:test";
import { crashSummary, exitText, memoryLimitMb, ordinal } from "./container-exit.ts";

test("ordinals", () => {
  assert.deepEqual([1, 2, 3, 4, 11, 12, 13, 21, 22, 101, 111].map(ordinal), [
    "1st",
    "2nd",
    "3rd",
    "4th",
    "11th",
    "12th",
    "13th",
    "21st",
    "22nd",
    "101st",
    "111th",
  ]);
});

test("an exit as told in the log, the CLI and the dashboard", () => {
  assert.equal(exitText({ lastExitCode: 137, oomKilled: true, memoryLimitMb: 128 }), "exited with code 137: killed: out of memory (limit 128 MiB)");
  assert.equal(exitText({ lastExitCode: 1, oomKilled: false, memoryLimitMb: 128 }), "exited with code 1");
  assert.equal(exitText({ lastExitCode: null, oomKilled: false, memoryLimitMb: null }), "exited");
  assert.equal(memoryLimitMb(BigInt(32 * 1024 * 1024)), 32);
  assert.equal(memoryLimitMb(null), null);
  assert.equal(crashSummary({ restartCount: 0, lastExitCode: null, oomKilled: false, memoryLimitMb: null, lastExitAt: null }), "");
  assert.equal(
    crashSummary({ restartCount: 3, lastExitCode: 137, oomKilled: true, memoryLimitMb: 64, lastExitAt: "2026-12-08T00:00:00.000Z" }),
    "3 restarts, last exited with code 137: killed: out of memory (limit 64 MiB)",
  );
});
