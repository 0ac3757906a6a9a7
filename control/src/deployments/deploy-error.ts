// A deployment that cannot go on for a reason the user can act on: its message becomes the
// deployment's `reason` as is. Anything else is reported as an internal failure.
export class DeployError extends Error {
  constructor(
    message: string,
    readonly outcome: "failed" | "cancelled" = "failed",
  ) {
    super(message);
  }
}
