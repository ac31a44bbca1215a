// One run at a time, always over the newest value. A write-back after a reconcile writes the whole
// current view, so while one runs, later ones replace each other instead of queueing: a queue held
// one full cluster snapshot per reconcile (hundreds of MB at 10k Services when writes lag behind).

export interface LatestOnly<T> {
  /** Runs `value` now, or after the current run, replacing any value still waiting. */
  submit(value: T): void;
  /** Resolves when nothing runs and nothing waits. */
  idle(): Promise<void>;
}

export function latestOnly<T>(
  run: (value: T) => Promise<void>,
  onError: (err: unknown) => void,
): LatestOnly<T> {
  let waiting: { value: T } | undefined;
  let running: Promise<void> | undefined;
  const loop = async () => {
    while (waiting !== undefined) {
      const { value } = waiting;
      waiting = undefined;
      try {
        await run(value);
      } catch (err) {
        onError(err);
      }
    }
    running = undefined;
  };
  return {
    submit(value) {
      waiting = { value };
      running ??= loop();
    },
    idle: () => running ?? Promise.resolve(),
  };
}
