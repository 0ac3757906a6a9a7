// An image may not carry Berth's own labels (core/src/reserved-labels.ts). A container inherits its
// image's labels for every key its create call leaves unset, and the runtime-host reads ownership from
// container labels (list-containers, the inventory, log and metric streams by berth.app-id): an image
// pushed straight to the registry with `LABEL berth.app-id=<another app's id>` would make its
// container count as that app's. Such images are refused outright rather than neutralised by
// setting every Berth label explicitly: refusing covers every `berth.` key, including ones a later
// Berth adds or only one process reads, matches the rule the worker's builds follow, and tells the
// user what is wrong instead of running their image with labels it did not ask for.
import { AppError } from "@berth/core";
import { RESERVED_LABEL_PREFIX, reservedLabels } from "@berth/core/reserved-labels";
import type Docker from "dockerode";

const refusal = (image: string, keys: string[]) =>
  new AppError(
    "FORBIDDEN",
    `image ${image} carries Berth's own label${keys.length > 1 ? "s" : ""} ${keys.join(", ")}; Berth refuses images that set ${RESERVED_LABEL_PREFIX}* labels (build it without them)`,
  );

/** Refuses an image on this engine that sets a `berth.` label. A missing image is left to the create call to report. */
export async function checkImageLabels(docker: Docker, image: string): Promise<void> {
  const labels = await docker
    .getImage(image)
    .inspect()
    .then((i) => i.Config?.Labels)
    .catch((err: { statusCode?: number }) => {
      if (err.statusCode === 404) return undefined;
      throw err;
    });
  const keys = reservedLabels(labels).sort();
  if (keys.length) throw refusal(image, keys);
}

/**
 * After the create call: the container's `berth.` labels must be exactly the ones Berth set (the image's
 * tag may have moved between the check and the create). Otherwise the container is removed and refused.
 */
export async function checkCreatedLabels(container: Docker.Container, image: string, set: Record<string, string>): Promise<void> {
  const labels = (await container.inspect()).Config.Labels ?? {};
  const foreign = reservedLabels(labels)
    .filter((k) => set[k] !== labels[k])
    .sort();
  if (!foreign.length) return;
  await container.remove({ force: true, v: true }).catch(() => {});
  throw refusal(image, foreign);
}
