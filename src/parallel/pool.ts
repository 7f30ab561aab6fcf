/**
 * One worker thread, started on first use, for the parts of large jobs that run beside the main
 * thread: rendering output files while the main thread lints, and writing half of them. Every task is a
 * pure function of its input (src/parallel/tasks.ts), so when a worker cannot be started or dies,
 * the task runs on this thread instead and the result is the same.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { TaskInput, TaskName, TaskOutput } from './tasks.js';

let worker: Worker | undefined;
let broken = false;
let nextId = 0;
const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

/**
 * The number of items from which a job is split with the worker. `EKS_ACCESS_PARALLEL_MIN` overrides
 * it (0 always splits, which the tests use; a huge number never does); one core never splits.
 */
export function parallelThreshold(defaultMin: number): number {
  const set = process.env.EKS_ACCESS_PARALLEL_MIN;
  if (set !== undefined && set !== '' && Number.isFinite(Number(set))) return Number(set);
  return availableParallelism() < 2 ? Infinity : defaultMin;
}

function failAll(e: Error): void {
  broken = true;
  worker = undefined;
  for (const p of pending.values()) p.reject(e);
  pending.clear();
}

function start(): Worker {
  const w = new Worker(new URL('./worker.js', import.meta.url));
  w.on('message', (m: { id: number; ok: boolean; value?: unknown; error?: string }) => {
    const p = pending.get(m.id);
    if (!p) return;
    pending.delete(m.id);
    if (pending.size === 0) w.unref();
    if (m.ok) p.resolve(m.value);
    else p.reject(new Error(m.error));
  });
  w.on('error', (e) => failAll(e));
  w.on('exit', (code) => failAll(new Error(`worker thread exited with code ${code}`)));
  w.unref();
  return w;
}

async function inline<K extends TaskName>(task: K, input: TaskInput<K>): Promise<TaskOutput<K>> {
  const { runTask } = await import('./tasks.js');
  return runTask(task, input);
}

/** Runs `task` on the worker thread, or on this one when there is no working worker. */
export async function runInWorker<K extends TaskName>(task: K, input: TaskInput<K>): Promise<TaskOutput<K>> {
  if (!broken) {
    try {
      worker ??= start();
      const w = worker;
      const id = nextId++;
      const result = new Promise<TaskOutput<K>>((resolve, reject) => pending.set(id, { resolve: resolve as (v: unknown) => void, reject }));
      w.ref();
      w.postMessage({ id, task, input });
      return await result;
    } catch (e) {
      // A task that failed inside a healthy worker fails the same way here; a broken worker is replaced by this thread.
      if (!broken) throw e;
    }
  }
  return inline(task, input);
}

/** Stops the worker, for tests and for a clean exit. */
export async function stopWorker(): Promise<void> {
  const w = worker;
  worker = undefined;
  if (w) {
    w.removeAllListeners('exit');
    await w.terminate();
  }
}
