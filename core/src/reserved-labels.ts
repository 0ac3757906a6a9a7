// Labels under `berth.` are Berth's own (host-jobs.ts LABELS, and a few only one process reads): they
// say which containers, networks and volumes Berth manages, for which team, app and host. An image
// must not carry any: a container inherits its image's labels for every key its create call leaves
// unset, so an image labelled `berth.app-id` would make a container count as another app's. The
// worker refuses them in builds; the runtime-host refuses images that carry them.
// A `berth.` label set to the empty string counts as unset: Docker cannot remove a label from an image,
// and a commit of one of Berth's containers (runtime-host commit-container.ts) inherits the container's
// labels, so the commit blanks them instead. Every reader of these labels compares their values, and an
// empty value matches no team, app, host or release.
export const RESERVED_LABEL_PREFIX = "berth.";

export const isReservedLabel = (key: string) => key.toLowerCase().startsWith(RESERVED_LABEL_PREFIX);

/** The keys of `labels` that are Berth's own and set to something. */
export const reservedLabels = (labels: Record<string, string> | null | undefined): string[] =>
  Object.entries(labels ?? {})
    .filter(([key, value]) => isReservedLabel(key) && value !== "")
    .map(([key]) => key);

/** Berth's own labels of a container, blanked: for the config of an image committed from it. */
export const blankedReservedLabels = (labels: Record<string, string> | null | undefined): Record<string, string> =>
  Object.fromEntries(reservedLabels(labels).map((key) => [key, ""]));
