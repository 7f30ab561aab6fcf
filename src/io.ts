/** Where a command prints: stdout and stderr as bin.ts hands them over, or a buffer in tests. */
export interface Io {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
}
