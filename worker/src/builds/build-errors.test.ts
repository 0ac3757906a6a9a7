import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { describeBuildFailure, engineMessage, fromImage, MAX_ERROR_CHARS, stepTracker } from "./build-errors.ts";

const registryHost = "127.0.0.1:5000";

describe("stepTracker", () => {
  it("remembers the last Step line and ignores the output between steps", () => {
    const steps = stepTracker();
    assert.equal(steps.current, undefined);
    for (const line of [
      "Step 1/5 : FROM 127.0.0.1:5000/berth/node:20",
      " ---> 4b46ffe53a5c",
      "Step 3/5 : RUN npm ci",
      "npm ERR! missing script",
      "Step x : not a step",
    ]) {
      steps.see(line);
    }
    assert.equal(steps.current, "Step 3/5 : RUN npm ci");
  });
});

describe("describeBuildFailure", () => {
  it("names the failing RUN step and keeps the engine's words", () => {
    const message = describeBuildFailure({
      step: "Step 3/5 : RUN npm ci",
      error: "The command '/bin/sh -c npm ci' returned a non-zero code: 1\n",
      registryHost,
    });
    assert.equal(message, "Step 3/5 : RUN npm ci failed: The command '/bin/sh -c npm ci' returned a non-zero code: 1");
  });

  it("says a base image the engine could not find is not found, and where a build's images come from", () => {
    const message = describeBuildFailure({
      step: "Step 1/2 : FROM node:20",
      error: 'Get "https://registry-1.docker.io/v2/": dial tcp: lookup registry-1.docker.io on 10.0.0.53:53: no such host',
      registryHost,
    });
    assert.equal(
      message,
      "Step 1/2 : FROM node:20 failed: base image node:20 not found; the build uses only images pulled from Berth's registry at 127.0.0.1:5000 before it starts (those of other registries are copied there first)",
    );
  });

  it("says an unknown tag in Berth's registry is not found", () => {
    const message = describeBuildFailure({
      step: "Step 1/1 : FROM --platform=linux/amd64 127.0.0.1:5000/berth/busybox:nope AS base",
      error: "manifest for 127.0.0.1:5000/berth/busybox:nope not found: manifest unknown: manifest unknown",
      registryHost,
    });
    assert.match(
      message,
      /^Step 1\/1 : FROM .* failed: base image 127\.0\.0\.1:5000\/berth\/busybox:nope not found; the build uses only images pulled from Berth's registry/,
    );
  });

  it("says a private base image in Berth's registry is not readable by builds", () => {
    const message = describeBuildFailure({
      step: "Step 1/1 : FROM 127.0.0.1:5000/other/secret:1",
      error:
        "pull access denied for 127.0.0.1:5000/other/secret, repository does not exist or may require 'docker login': denied: requested access to the resource is denied",
      registryHost,
    });
    assert.match(message, /base image 127\.0\.0\.1:5000\/other\/secret:1 not found, or not readable by builds/);
  });

  it("explains errors that come before any step", () => {
    const cases: [string, string][] = [
      ["Cannot locate specified Dockerfile: Dockerfile", "no Dockerfile at the root of the build context"],
      ["dockerfile parse error line 2: unknown instruction: RUNN", "Dockerfile syntax error on line 2: unknown instruction: RUNN"],
      ["the Dockerfile (Dockerfile) cannot be empty", "the Dockerfile is empty"],
      ["no build stage in current context", "the Dockerfile has no FROM line before its first instruction"],
      ["unexpected EOF", "the build context is not a readable tar archive (unexpected EOF)"],
      ["something new", "something new"],
    ];
    for (const [error, expected] of cases) assert.equal(describeBuildFailure({ error, registryHost }), expected);
  });

  it("caps very long messages", () => {
    const message = describeBuildFailure({ step: "Step 2/2 : RUN x", error: "e".repeat(10_000), registryHost });
    assert.equal(message.length, MAX_ERROR_CHARS);
  });
});

describe("fromImage", () => {
  it("finds the image of a FROM step, flags and stage names aside", () => {
    assert.equal(fromImage("Step 1/3 : FROM 127.0.0.1:5000/berth/node:20 AS build"), "127.0.0.1:5000/berth/node:20");
    assert.equal(fromImage("Step 1/3 : FROM --platform=linux/amd64 busybox"), "busybox");
    assert.equal(fromImage("Step 2/3 : RUN true"), undefined);
  });
});

describe("engineMessage", () => {
  it("strips dockerode's HTTP prefix from an error of a streamed request", () => {
    const err = Object.assign(new Error("(HTTP code 400) unexpected - dockerfile parse error line 2: unknown instruction: RUNN "), {
      statusCode: 400,
      json: null,
    });
    assert.equal(engineMessage(err), "dockerfile parse error line 2: unknown instruction: RUNN");
  });

  it("prefers the engine's JSON message", () => {
    assert.equal(engineMessage({ message: "(HTTP code 500) server error - x", json: { message: "unexpected EOF" } }), "unexpected EOF");
  });
});
