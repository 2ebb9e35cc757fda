// Load progress arrives once per network chunk: hundreds for one dataset. Each
// crosses the worker boundary and re-renders the page, which cost the app about
// a second of its load on a 2-core machine; a few per second say as much.
import type { LoadProgress } from '../data/loader';

export interface ProgressThrottle {
  report(p: LoadProgress): void;
  /** Sends the last report held back, so the final one always arrives. */
  flush(): void;
}

/** Passes on a file's first report and then at most one per `intervalMs`. */
export function throttleProgress(send: (p: LoadProgress) => void, intervalMs = 100, now: () => number = () => performance.now()): ProgressThrottle {
  let file: string | null = null;
  let sentAt = -Infinity;
  let held: LoadProgress | null = null;
  return {
    report(p) {
      const t = now();
      if (p.file !== file || t - sentAt >= intervalMs) {
        file = p.file;
        sentAt = t;
        held = null;
        send(p);
      } else {
        held = p;
      }
    },
    flush() {
      if (held) send(held);
      held = null;
    },
  };
}
