/**
 * Layer: engine. The one scheduler: `workers` loops take the next task until there is
 * none. Chunk workers and parallel exports both run on it. Each worker may hold a
 * resource for its whole life (a chunk worker's source connection), released when it stops.
 */
export interface PoolWorker<T> {
  /** Runs one task; a throw stops this worker (the others go on) and is rethrown at the end. */
  run(task: T): Promise<void>;
  /** Called once when the worker stops, whatever the reason. */
  stop?(): Promise<void>;
}

export async function runPool<T>(
  workers: number,
  next: () => Promise<T | undefined>,
  startWorker: (slot: number) => PoolWorker<T>,
): Promise<void> {
  const errors: unknown[] = [];
  const loop = async (slot: number) => {
    const worker = startWorker(slot);
    try {
      for (;;) {
        const task = await next();
        if (task === undefined) return;
        await worker.run(task);
      }
    } catch (error) {
      errors.push(error);
    } finally {
      await worker.stop?.();
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, workers) }, (_, slot) => loop(slot)));
  if (errors.length > 0) throw errors[0];
}

/** `next` over a fixed list, in order. */
export function listTasks<T>(tasks: readonly T[]): () => Promise<T | undefined> {
  let index = 0;
  return async () => tasks[index++];
}
