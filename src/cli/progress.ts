// Training progress on stderr. On a terminal one line is redrawn in place with
// \r; in a log (not a TTY) each metric record gets its own line, so nothing is
// lost and no control characters end up in files.
import type { LoadProgress } from '../engine/data/loader';
import type { MetricsRecord } from '../engine/training/trainer';

/** What the bar shows: a rate network's record, or a spiking one's (with firing rates). */
export type ProgressRecord = Pick<MetricsRecord, 'step' | 'epoch' | 'trainLoss' | 'trainAcc' | 'testAcc' | 'elapsedSec'> & {
  layers: ReadonlyArray<{ weightAngle: number | null; firingRate?: number }>;
};
import { compact, deg, duration, fixed, pct } from './format';

export interface ProgressPlan {
  epochs: number;
  stepsPerEpoch: number;
  batchSize: number;
}

export interface ProgressOptions {
  /** Off a terminal, print a line per record (false when --json already puts the records on stdout). */
  linePerRecord: boolean;
  /** Force terminal mode on or off; by default the stream decides. */
  tty?: boolean;
}

type Stream = Pick<NodeJS.WriteStream, 'write'> & { isTTY?: boolean; columns?: number };

export class Progress {
  private readonly tty: boolean;
  private plan: ProgressPlan | null = null;
  private current = '';
  private lastTestAcc: number | null = null;
  private lastLoadPct = -1;

  constructor(
    private readonly stream: Stream,
    private readonly options: ProgressOptions,
  ) {
    this.tty = options.tty ?? stream.isTTY === true;
  }

  /** A line of information above the bar (or just a line off a terminal). */
  info(line: string): void {
    if (this.tty && this.current) this.stream.write(`\r\x1b[K${line}\n${this.current}`);
    else this.stream.write(`${line}\n`);
  }

  loading(name: string, p: LoadProgress): void {
    if (!this.tty || !p.totalBytes) return;
    const done = Math.floor((100 * p.loadedBytes) / p.totalBytes);
    if (done === this.lastLoadPct) return;
    this.lastLoadPct = done;
    this.draw(`loading ${name} ${bar(done / 100, 20)} ${done}%`);
  }

  start(plan: ProgressPlan): void {
    this.plan = plan;
    this.lastTestAcc = null;
    if (this.tty) this.draw(this.describe(0, 1, null));
  }

  record(m: ProgressRecord): void {
    if (m.testAcc !== null) this.lastTestAcc = m.testAcc;
    if (this.tty) this.draw(this.describe(m.step, m.epoch, m));
    else if (this.options.linePerRecord) this.stream.write(`${this.describe(m.step, m.epoch, m)}\n`);
  }

  /** Erases a transient line (the loading bar) without leaving it behind. */
  clear(): void {
    if (this.tty && this.current) this.stream.write('\r\x1b[K');
    this.current = '';
  }

  /** Leaves the last bar on screen and moves to a fresh line. */
  end(): void {
    if (this.tty && this.current) this.stream.write('\n');
    this.current = '';
  }

  private describe(step: number, recordEpoch: number, m: ProgressRecord | null): string {
    const plan = this.plan ?? { epochs: 1, stepsPerEpoch: 1, batchSize: 1 };
    const total = plan.epochs * plan.stepsPerEpoch;
    // A record's epoch counts finished epochs; the bar shows the one being trained.
    const epoch = Math.max(1, Math.min(plan.epochs, step > 0 ? Math.ceil(step / plan.stepsPerEpoch) : recordEpoch));
    const top = m?.layers[m.layers.length - 1];
    const parts = [
      `epoch ${epoch}/${plan.epochs}`,
      this.tty ? bar(total > 0 ? step / total : 0, 20) : '',
      `step ${step}/${total}`,
      m ? `loss ${fixed(m.trainLoss, 4)}` : '',
      m ? `acc ${pct(m.trainAcc)}` : '',
      `test ${pct(this.lastTestAcc)}`,
      m ? `top∠ ${deg(top?.weightAngle)}` : '',
      m && top?.firingRate !== undefined ? `rates ${m.layers.map((l) => pct(l.firingRate)).join('/')}` : '',
      // The average since the start: a record's own rate is measured between readbacks, which arrive in bursts.
      m && m.elapsedSec > 0 ? `${compact((m.step * plan.batchSize) / m.elapsedSec)} samples/s` : '',
      m ? duration(m.elapsedSec) : '',
    ];
    return parts.filter(Boolean).join('  ');
  }

  private draw(line: string): void {
    const width = this.stream.columns ?? 0;
    const fitted = width > 1 && line.length > width - 1 ? line.slice(0, width - 1) : line;
    this.current = fitted;
    this.stream.write(`\r\x1b[K${fitted}`);
  }
}

function bar(fraction: number, width: number): string {
  const f = Math.max(0, Math.min(1, fraction));
  const full = Math.round(f * width);
  return `[${'#'.repeat(full)}${'.'.repeat(width - full)}]`;
}
