// Berth's pre-receive hook, installed in every app's bare repository (CommonJS: it runs with plain
// `node`, no tsx). git gives it the pushed refs on stdin ("<old> <new> <ref>" per line) and relays
// what it prints to the pusher as `remote:` lines. It hands the refs to web with the one-time
// secret web put in its environment, prints the deploy's log as it streams back and exits with
// web's verdict: non-zero rejects the push, so a failed deploy never moves the branch.
"use strict";
const http = require("node:http");

const url = process.env.BERTH_PUSH_URL;
const secret = process.env.BERTH_PUSH_SECRET;
let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => {
  input += chunk;
});
process.stdin.on("end", run);

function run() {
  if (!url || !secret) {
    process.stdout.write("not pushed through Berth: stored, not deployed\n");
    return;
  }
  const refs = input
    .split("\n")
    .filter(Boolean)
    .map((line) => {
      const [oldRev, newRev, ref] = line.split(" ");
      return { old: oldRev, new: newRev, ref };
    });
  // Objects of a push under way sit in a quarantine directory until this hook accepts them.
  const body = JSON.stringify({
    refs,
    objectDir: process.env.GIT_OBJECT_DIRECTORY || null,
    alternates: process.env.GIT_ALTERNATE_OBJECT_DIRECTORIES || null,
  });
  const req = http.request(
    url,
    { method: "POST", headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body), "x-berth-push-secret": secret } },
    (res) => {
      res.setEncoding("utf8");
      if (res.statusCode !== 200) {
        let text = "";
        res.on("data", (c) => {
          text += c;
        });
        res.on("end", () => {
          process.stdout.write(`Berth refused the push (HTTP ${res.statusCode}): ${text.trim()}\n`);
          process.exitCode = 1;
        });
        return;
      }
      let buf = "";
      let exitCode = null;
      const onLine = (line) => {
        if (!line) return;
        let msg;
        try {
          msg = JSON.parse(line);
        } catch {
          return;
        }
        if (typeof msg.line === "string") process.stdout.write(`${msg.line}\n`);
        if (typeof msg.exit === "number") exitCode = msg.exit;
      };
      res.on("data", (chunk) => {
        buf += chunk;
        for (let i = buf.indexOf("\n"); i >= 0; i = buf.indexOf("\n")) {
          onLine(buf.slice(0, i));
          buf = buf.slice(i + 1);
        }
      });
      res.on("end", () => {
        onLine(buf);
        if (exitCode === null) {
          process.stdout.write("the connection to Berth ended before the deploy did; see the app's deployments in the dashboard\n");
          exitCode = 1;
        }
        process.exitCode = exitCode;
      });
    },
  );
  req.on("error", (err) => {
    process.stdout.write(`could not reach Berth: ${err.message}\n`);
    process.exitCode = 1;
  });
  req.end(body);
}
