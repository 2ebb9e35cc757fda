import { describe, expect, it } from 'vitest';
import { DatasetError } from '../../engine/data/errors';
import { datasetFromFiles } from './user-data';

const text = (name: string, s: string) => ({ name, bytes: new TextEncoder().encode(s) });

/** An IDX file: magic, then sizes, then bytes. */
function idx(magic: number, dims: number[], data: number[]) {
  const header = new DataView(new ArrayBuffer(4 + 4 * dims.length));
  header.setUint32(0, magic);
  dims.forEach((d, i) => header.setUint32(4 + 4 * i, d));
  return Uint8Array.from([...new Uint8Array(header.buffer), ...data]);
}

describe('the user files', () => {
  it('one CSV is split into train and test', async () => {
    const rows = Array.from({ length: 10 }, (_, i) => `${i % 2},${i},${10 - i}`);
    const d = await datasetFromFiles([text('mine.csv', ['label,a,b', ...rows].join('\n'))]);
    expect(d).toMatchObject({ name: 'mine', rows: 1, cols: 2, classes: 2 });
    expect(d.train.count + d.test.count).toBe(10);
  });

  it('two CSVs are train and test, told apart by name', async () => {
    const d = await datasetFromFiles([text('b-test.csv', '0,1\n1,2\n'), text('a.csv', '0,1\n1,2\n1,3\n')]);
    expect(d.train.count).toBe(3);
    expect(d.test.count).toBe(2);
  });

  it('an IDX pair in either order, and the parser names what is wrong', async () => {
    const images = idx(0x803, [2, 2, 2], [0, 1, 2, 3, 4, 5, 6, 7]);
    const labels = idx(0x801, [2], [0, 1]);
    const d = await datasetFromFiles([{ name: 'my-labels.idx1-ubyte', bytes: labels }, { name: 'my-images.idx3-ubyte', bytes: images }]);
    expect(d).toMatchObject({ rows: 2, cols: 2, classes: 2 });
    const short = idx(0x801, [3], [0, 1, 1]);
    await expect(datasetFromFiles([{ name: 'img', bytes: images }, { name: 'labels', bytes: short }])).rejects.toThrow(/labels: header field count \(bytes 4-7\) says 3 labels but img holds 2 images/);
  });

  it('one binary file asks for its partner; a bad CSV cell is named by line and column', async () => {
    await expect(datasetFromFiles([{ name: 'x.idx3-ubyte', bytes: idx(0x803, [1, 1, 1], [0]) }])).rejects.toThrow(/needs its partner/);
    const bad = datasetFromFiles([text('bad.csv', 'label,x\n0,1\n1,oops\n')]);
    await expect(bad).rejects.toBeInstanceOf(DatasetError);
    await expect(bad).rejects.toThrow('bad.csv: line 3, column 2 ("x") is "oops"; expected a number.');
  });
});
