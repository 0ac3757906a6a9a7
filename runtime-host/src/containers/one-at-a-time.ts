// Work on one named thing (a team's network, an app's volume) runs one at a time in this process:
// concurrent replica starts of an app wait for the first to make (or move over) what they share.
// `createOneAtATime` gives a queue of its own (an engine lock keeps one per lock client).
export type OneAtATime = <T>(key: string, work: () => Promise<T>) => Promise<T>;

export function createOneAtATime(): OneAtATime {
  const pending = new Map<string, Promise<unknown>>();
  return <T>(key: string, work: () => Promise<T>): Promise<T> => {
    const before = pending.get(key) ?? Promise.resolve();
    const mine = before.catch(() => undefined).then(work);
    const tail = mine.catch(() => undefined);
    pending.set(key, tail);
    void tail.then(() => {
      if (pending.get(key) === tail) pending.delete(key);
    });
    return mine;
  };
}

export const oneAtATime: OneAtATime = createOneAtATime();
