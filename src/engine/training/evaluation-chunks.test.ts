import { describe, expect, it } from 'vitest';
import { CHUNK_ALIGN, evaluationChunks } from './evaluation-chunks';

describe('evaluation chunks', () => {
  it('cover the test set once, in order, each padded to a count congruent to the batch modulo 128', () => {
    for (const [count, evalRows, batch] of [[10000, 1024, 128], [10000, 1024, 100], [1000, 1000, 32], [4, 4, 4], [4, 4, 128], [257, 50, 3], [60000, 1024, 1000]]) {
      const { capacity, chunks } = evaluationChunks(count, evalRows, batch);
      let next = 0;
      for (const c of chunks) {
        expect(c.offset).toBe(next);
        next += c.rows;
        expect(c.paddedRows % CHUNK_ALIGN).toBe(batch % CHUNK_ALIGN);
        expect(c.paddedRows).toBeGreaterThanOrEqual(c.rows);
        // Padding reads past the test set by less than CHUNK_ALIGN rows (the order buffer's margin).
        expect(c.paddedRows - c.rows).toBeLessThan(CHUNK_ALIGN);
        expect(c.paddedRows).toBeLessThanOrEqual(capacity);
      }
      expect(next).toBe(count);
    }
  });

  it('keep the default chunks at 1024 rows for batch 128, the last 784 padded to 896', () => {
    const { capacity, chunks } = evaluationChunks(10000, 1024, 128);
    expect(capacity).toBe(1024);
    expect(chunks).toHaveLength(10);
    expect(chunks.at(-1)).toEqual({ offset: 9216, rows: 784, paddedRows: 896 });
  });

  it('stay near evalRows for other batches: 996 rows for batch 100', () => {
    const { chunks } = evaluationChunks(10000, 1024, 100);
    expect(chunks[0].rows).toBe(996);
    expect(chunks.at(-1)).toEqual({ offset: 9960, rows: 40, paddedRows: 100 });
  });
});
