// The progress bar `oftrace` draws on a terminal's stderr when loading runs
// past a second (a million-flow dump): one line, redrawn at most ten times a
// second, erased when the work is done. Never drawn when stderr is not a terminal.
import type { ProgressSink } from '../ingest/progress.js';

const SHOW_AFTER_MS = 1000;
const REDRAW_MS = 100;
const BAR = 24;

export interface ProgressBar {
  sink: ProgressSink;
  /** Erase the bar, if it is drawn (output is about to appear, or the work is done). */
  done(): void;
}

export function progressBar(write: (s: string) => void, columns = 80, now = () => performance.now()): ProgressBar {
  const start = now();
  let drawnAt = -Infinity;
  let drawn = false;
  return {
    sink(what, done, total) {
      const t = now();
      if (t - start < SHOW_AFTER_MS || t - drawnAt < REDRAW_MS) return;
      drawnAt = t;
      drawn = true;
      const frac = total > 0 ? Math.min(1, done / total) : 0;
      const filled = Math.round(frac * BAR);
      const line = `oftrace: [${'#'.repeat(filled)}${'.'.repeat(BAR - filled)}] ${String(Math.round(frac * 100)).padStart(3)}% ${what}`;
      write(`\r${line.slice(0, Math.max(10, columns - 1))}\x1b[K`);
    },
    done() {
      if (drawn) write('\r\x1b[K');
      drawn = false;
    },
  };
}
