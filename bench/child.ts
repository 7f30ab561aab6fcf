/**
 * Measures one whole command as a child process: wall time (spawn to exit, from the parent) and the
 * child's peak resident set size. Linux only.
 *
 * Peak RSS comes from the kernel's own accounting when GNU time is installed (`/usr/bin/time -f %M`
 * reports ru_maxrss of the child it waited for, exact). Without it, the parent samples VmHWM (the
 * process's high-water mark) from /proc/<pid>/status every few milliseconds: VmHWM never goes
 * down, so only growth in the last few milliseconds before exit can be missed.
 */
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

export type RssMethod = 'gnu-time' | 'proc-sampling';

export interface Measured {
  /** Wall time of the whole child process, in milliseconds. */
  ms: number;
  /** Peak resident set size of the child, in MiB. */
  peakMiB: number;
  /** Exit code, or null when a signal ended it. */
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
}

const GNU_TIME = '/usr/bin/time';

/** How peak memory will be measured on this machine. */
export function rssMethod(): RssMethod {
  if (process.platform !== 'linux') throw new Error(`the benchmark measures child processes through Linux interfaces; this is ${process.platform}`);
  if (existsSync(GNU_TIME)) {
    const v = spawnSync(GNU_TIME, ['--version'], { encoding: 'utf8' });
    if (v.status === 0 && /GNU/.test(`${v.stdout}${v.stderr}`)) return 'gnu-time';
  }
  return 'proc-sampling';
}

export function describeRssMethod(method: RssMethod): string {
  return method === 'gnu-time'
    ? 'peak RSS as the kernel accounts it for the child (GNU time, %M)'
    : 'peak RSS sampled from /proc/<pid>/status VmHWM every 5 ms (GNU time not found at /usr/bin/time)';
}

function vmHwmKiB(pid: number): number {
  try {
    const m = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0; // already gone
  }
}

/**
 * Runs `cmd args` from `cwd`, its output going to files in `scratch` (so the parent does no work
 * while it runs), and resolves once it has exited.
 */
export async function measureCommand(method: RssMethod, cmd: string, args: string[], opts: { cwd: string; scratch: string }): Promise<Measured> {
  const outFile = join(opts.scratch, 'stdout');
  const errFile = join(opts.scratch, 'stderr');
  const timeFile = join(opts.scratch, 'time');
  rmSync(timeFile, { force: true });
  const out = openSync(outFile, 'w');
  const err = openSync(errFile, 'w');
  const [file, argv] = method === 'gnu-time' ? [GNU_TIME, ['-f', '%M', '-o', timeFile, cmd, ...args]] : [cmd, args];
  let peakKiB = 0;
  let timer: NodeJS.Timeout | undefined;
  const started = process.hrtime.bigint();
  const ended = await new Promise<{ code: number | null; signal: string | null; at: bigint }>((resolve, reject) => {
    const child = spawn(file, argv, { cwd: opts.cwd, stdio: ['ignore', out, err] });
    child.once('error', reject);
    child.once('exit', (code, signal) => resolve({ code, signal, at: process.hrtime.bigint() }));
    if (method === 'proc-sampling' && child.pid !== undefined) {
      const pid = child.pid;
      timer = setInterval(() => (peakKiB = Math.max(peakKiB, vmHwmKiB(pid))), 5);
    }
  }).finally(() => {
    if (timer) clearInterval(timer);
    closeSync(out);
    closeSync(err);
  });
  let { code, signal } = ended;
  if (method === 'gnu-time') {
    // The -o file holds "Command exited with non-zero status N" or "Command terminated by signal N"
    // lines when that happened, then the formatted %M (KiB) on the last line.
    const lines = existsSync(timeFile) ? readFileSync(timeFile, 'utf8').trim().split('\n') : [];
    peakKiB = Number(lines[lines.length - 1] ?? NaN);
    const killed = lines.map((l) => /^Command terminated by signal (\d+)/.exec(l)).find(Boolean);
    if (killed) {
      code = null;
      signal = `signal ${killed[1]}`;
    }
    if (!Number.isFinite(peakKiB)) throw new Error(`GNU time reported no peak memory for ${cmd} ${args.join(' ')} (exit ${code}): ${lines.join(' | ')}`);
  }
  return {
    ms: Number(ended.at - started) / 1e6,
    peakMiB: peakKiB / 1024,
    code,
    signal,
    stdout: readFileSync(outFile, 'utf8'),
    stderr: readFileSync(errFile, 'utf8'),
  };
}
