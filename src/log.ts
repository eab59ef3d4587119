// Progress reporting passed into long-running work, so the core never writes to the terminal itself.

export interface Log {
  /** A normal status line ("resolving 138 packages"). */
  info(message: string): void;
  /** A warning the user should read. */
  warn(message: string): void;
  /** Progress of a counted task; the terminal shows a bar on a TTY and a few plain lines otherwise. */
  progress(label: string, done: number, total: number): void;
  /** Raw output of a child process (build steps), streamed live. */
  output(chunk: string): void;
}

/** A log that keeps everything in memory (tests). */
export function memoryLog(): Log & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    info: (m) => lines.push(m),
    warn: (m) => lines.push(`warning: ${m}`),
    progress: (l, d, t) => { if (d === t) lines.push(`${l} ${d}/${t}`); },
    output: (c) => lines.push(c),
  };
}

/** A log that drops everything. */
export const silentLog: Log = { info() {}, warn() {}, progress() {}, output() {} };
