// `npm run bench`: every benchmark, printing figures. Needs the stack up (npm run up).
// `npm run bench -- logs deploy` runs only those.
import { benchDeploy } from "./deploy.bench.ts";
import { benchGitPush } from "./git-push.bench.ts";
import { benchImages } from "./images.bench.ts";
import { benchLogs } from "./logs.bench.ts";
import { benchRegistry } from "./registry.bench.ts";
import { benchStack } from "./stack.bench.ts";

const BENCHES: [name: string, title: string, run: () => Promise<void>][] = [
  ["stack", "stack", benchStack],
  ["registry", "registry", benchRegistry],
  ["deploy", "deploy", benchDeploy],
  ["git-push", "git push", benchGitPush],
  ["logs", "logs", benchLogs],
  ["images", "images from another registry (pull-through cache)", benchImages],
];

const only = process.argv.slice(2);
const unknown = only.filter((n) => !BENCHES.some(([name]) => name === n));
if (unknown.length > 0) throw new Error(`unknown benchmark(s): ${unknown.join(", ")} (known: ${BENCHES.map(([n]) => n).join(", ")})`);
for (const [name, title, run] of BENCHES) {
  if (only.length > 0 && !only.includes(name)) continue;
  console.log(`== ${title}`);
  await run();
}
