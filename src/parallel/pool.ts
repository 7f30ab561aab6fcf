/**
 * One worker thread, started on first use, for the parts of large jobs that run beside the main
 * thread: rendering output files while the main thread lints, and writing half of them. Every task is a
 * pure function of its input (src/parallel/tasks.ts), so when a worker cannot be started or dies,
 * the task runs on this thread instead and the result is the same.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { TaskInput, TaskName, TaskOutput } from './tasks.js';

/** A running worker and the tasks it has not answered yet. */
interface Handle {
  w: Worker;
  pending: Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>;
}

let handle: Handle | undefined;
/** No worker can be started here (the platform refuses threads): every task runs on this thread. */
let unavailable = false;
let nextId = 0;

/** The worker died or was stopped before answering; the task is run on this thread instead. */
class WorkerGone extends Error {}

/**
 * The number of items from which a job is split with the worker. `EKS_ACCESS_PARALLEL_MIN` overrides
 * it (0 always splits, which the tests use; a huge number never does); one core never splits.
 */
export function parallelThreshold(defaultMin: number): number {
  const set = process.env.EKS_ACCESS_PARALLEL_MIN;
  if (set !== undefined && set !== '' && Number.isFinite(Number(set))) return Number(set);
  return availableParallelism() < 2 ? Infinity : defaultMin;
}

/** The worker's old-generation heap limit. */
const WORKER_OLD_SPACE_MB = 128;

function start(): Handle {
  // Its tasks hold one batch at a time, so a small heap is enough; a smaller heap is collected
  // sooner, which keeps the process's peak memory down. A worker that runs out of it exits, and its
  // tasks come back to this thread (below).
  const w = new Worker(new URL('./worker.js', import.meta.url), { resourceLimits: { maxOldGenerationSizeMb: WORKER_OLD_SPACE_MB } });
  const h: Handle = { w, pending: new Map() };
  w.on('message', (m: { id: number; ok: boolean; value?: unknown; error?: string }) => {
    const p = h.pending.get(m.id);
    if (!p) return;
    h.pending.delete(m.id);
    if (h.pending.size === 0) w.unref();
    if (m.ok) p.resolve(m.value);
    else p.reject(new Error(m.error));
  });
  const gone = () => {
    if (handle === h) handle = undefined;
    for (const p of h.pending.values()) p.reject(new WorkerGone('worker thread stopped'));
    h.pending.clear();
  };
  w.on('error', gone);
  w.on('exit', gone);
  w.unref();
  return h;
}

async function inline<K extends TaskName>(task: K, input: TaskInput<K>): Promise<TaskOutput<K>> {
  const { runTask } = await import('./tasks.js');
  return runTask(task, input);
}

/**
 * Runs `task` on the worker thread, or on this one when no worker can be started or the worker dies
 * before answering (the next task starts a new one). A task that fails in the worker fails here.
 */
export async function runInWorker<K extends TaskName>(task: K, input: TaskInput<K>): Promise<TaskOutput<K>> {
  if (!unavailable) {
    let h: Handle;
    try {
      h = handle ??= start();
    } catch {
      unavailable = true;
      return inline(task, input);
    }
    try {
      const id = nextId++;
      const result = new Promise<TaskOutput<K>>((resolve, reject) => h.pending.set(id, { resolve: resolve as (v: unknown) => void, reject }));
      h.w.ref();
      h.w.postMessage({ id, task, input });
      return await result;
    } catch (e) {
      if (!(e instanceof WorkerGone)) throw e;
    }
  }
  return inline(task, input);
}

/** Stops the worker (for tests); tasks it had not answered run on this thread. */
export async function stopWorker(): Promise<void> {
  const h = handle;
  handle = undefined;
  if (h) await h.w.terminate();
}
