#!/usr/bin/env node
// The `berth` executable: compiles the TypeScript sources on the fly with tsx, so the CLI runs
// from any working directory without a build step.
import { register } from "tsx/esm/api";

register();
await import("../src/main.ts");
