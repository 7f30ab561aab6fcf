/** The worker thread's side of src/parallel/pool.ts: runs one task per message and posts the result. */
import { parentPort } from 'node:worker_threads';
import { runTask, type TaskName } from './tasks.js';

parentPort?.on('message', (m: { id: number; task: TaskName; input: never }) => {
  try {
    parentPort!.postMessage({ id: m.id, ok: true, value: runTask(m.task, m.input) });
  } catch (e) {
    parentPort!.postMessage({ id: m.id, ok: false, error: e instanceof Error ? e.message : String(e) });
  }
});
