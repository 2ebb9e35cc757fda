import { describe, expect, test } from 'vitest';
import type { LoadProgress } from '../data/loader';
import { throttleProgress } from './progress-throttle';

const at = (loadedBytes: number, file = 'a.gz'): LoadProgress => ({ loadedBytes, totalBytes: 1000, file });

describe('load progress throttle', () => {
  test("passes a file's first report, then one per interval, and the last on flush", () => {
    let clock = 0;
    const sent: LoadProgress[] = [];
    const throttle = throttleProgress((p) => sent.push(p), 100, () => clock);
    for (let i = 0; i <= 30; i++) {
      clock = i * 10; // a report every 10 ms for 300 ms
      throttle.report(at(i * 10));
    }
    expect(sent.map((p) => p.loadedBytes)).toEqual([0, 100, 200, 300]);
    throttle.report(at(305));
    throttle.flush();
    expect(sent.at(-1)!.loadedBytes).toBe(305);
    throttle.flush();
    expect(sent).toHaveLength(5); // nothing held: flush sends nothing twice
  });

  test('a new file is reported at once, whatever the interval', () => {
    let clock = 0;
    const sent: LoadProgress[] = [];
    const throttle = throttleProgress((p) => sent.push(p), 100, () => clock);
    throttle.report(at(0, 'a.gz'));
    clock = 1;
    throttle.report(at(10, 'a.gz'));
    clock = 2;
    throttle.report(at(20, 'b.gz'));
    expect(sent.map((p) => p.file)).toEqual(['a.gz', 'b.gz']);
  });
});
