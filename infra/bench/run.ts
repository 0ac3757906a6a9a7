// `npm run bench`: every benchmark, printing figures. Needs the stack up (npm run up).
import { benchDeploy } from "./deploy.bench.ts";
import { benchGitPush } from "./git-push.bench.ts";
import { benchRegistry } from "./registry.bench.ts";
import { benchStack } from "./stack.bench.ts";

console.log("== stack");
await benchStack();

console.log("== registry");
await benchRegistry();

console.log("== deploy");
await benchDeploy();

console.log("== git push");
await benchGitPush();
