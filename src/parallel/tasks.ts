/** What the worker thread can do: pure functions of plain data, run the same on either thread. */
import { writeFiles } from '../write/files.js';
import { toYaml } from '../emit/serialize.js';

interface Tasks {
  /** YAML text of `[objects, header]` files. */
  render: { input: [object[], string][]; output: string[] };
  /** Write `[path, content]` files under a folder. */
  write: { input: { root: string; files: [string, string][] }; output: null };
}

export type TaskName = keyof Tasks;
export type TaskInput<K extends TaskName> = Tasks[K]['input'];
export type TaskOutput<K extends TaskName> = Tasks[K]['output'];

const handlers: { [K in TaskName]: (input: TaskInput<K>) => TaskOutput<K> } = {
  render: (jobs) => jobs.map(([objects, header]) => toYaml(objects, header)),
  write: ({ root, files }) => {
    writeFiles(root, files);
    return null;
  },
};

export function runTask<K extends TaskName>(task: K, input: TaskInput<K>): TaskOutput<K> {
  const handler = handlers[task] as ((input: TaskInput<K>) => TaskOutput<K>) | undefined;
  if (!handler) throw new Error(`unknown task ${String(task)}`);
  return handler(input);
}
