// Terminal log: a redrawn progress bar on a TTY, a few plain lines otherwise.
import type { Log } from '../log.js';

export function terminalLog(stream: NodeJS.WriteStream, quiet = false): Log {
  const tty = stream.isTTY === true;
  let barShown = false;
  const lastPlain = new Map<string, number>();
  const clearBar = () => { if (barShown) { stream.write('\r\x1b[K'); barShown = false; } };
  return {
    info(m) { if (!quiet) { clearBar(); stream.write(`${m}\n`); } },
    warn(m) { clearBar(); stream.write(`warning: ${m}\n`); },
    output(c) { if (!quiet) { clearBar(); stream.write(c); } },
    progress(label, done, total) {
      if (quiet) return;
      if (tty) {
        const width = 30;
        const filled = total > 0 ? Math.round((done / total) * width) : width;
        stream.write(`\r\x1b[K${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}`);
        barShown = true;
        if (done >= total) { stream.write('\n'); barShown = false; }
        return;
      }
      // Plain output: at most one line per quarter, plus the end.
      const quarter = total > 0 ? Math.floor((done / total) * 4) : 4;
      if ((lastPlain.get(label) ?? -1) < quarter) {
        lastPlain.set(label, quarter);
        stream.write(`${label} ${done}/${total}\n`);
      }
    },
  };
}
