import { describe, expect, it } from 'vitest';
import { DatasetError } from './errors';
import { idxImages, idxLabels } from '../../../tests/fixtures/idx';
import { parseIdx } from './idx';

function parseError(bytes: Uint8Array, file = 'x-images.gz'): DatasetError {
  try {
    parseIdx(bytes, file);
  } catch (e) {
    expect(e).toBeInstanceOf(DatasetError);
    expect((e as DatasetError).fileName).toBe(file);
    return e as DatasetError;
  }
  throw new Error('expected parseIdx to throw');
}

describe('parseIdx', () => {
  it('parses uint8 images, big-endian header', () => {
    const f = parseIdx(idxImages(3, 2, 4), 'a.gz');
    expect(f.kind).toBe('images');
    if (f.kind !== 'images') return;
    expect([f.count, f.rows, f.cols]).toEqual([3, 2, 4]);
    expect(f.data.length).toBe(24);
    // Each fixture byte is its file offset: the pixels start right after the 16-byte header.
    expect(Array.from(f.data.subarray(0, 4))).toEqual([16, 17, 18, 19]);
  });

  it('parses uint8 labels', () => {
    const f = parseIdx(idxLabels([7, 2, 1, 0]), 'l.gz');
    expect(f).toMatchObject({ kind: 'labels', count: 4 });
    expect(Array.from(f.data)).toEqual([7, 2, 1, 0]);
  });

  it('works on a view with a non-zero byteOffset', () => {
    const inner = idxLabels([1, 2, 3]);
    const outer = new Uint8Array(inner.length + 5);
    outer.set(inner, 5);
    expect(Array.from(parseIdx(outer.subarray(5), 'l.gz').data)).toEqual([1, 2, 3]);
  });

  it('reports a truncated payload with expected and actual sizes', () => {
    const full = idxImages(60000, 28, 28, 1234 - 16);
    const e = parseError(full, 'mnist-train-images-idx3-ubyte.gz');
    expect(e.message).toBe(
      'mnist-train-images-idx3-ubyte.gz: truncated: header says 60000 images of 28x28 (47040016 bytes) ' +
        'but the file has 1234 bytes. Re-download the file or choose another.',
    );
  });

  it('reports trailing data after the payload', () => {
    const bytes = new Uint8Array(idxLabels([1, 2]).length + 3);
    bytes.set(idxLabels([1, 2]));
    const e = parseError(bytes, 'l.gz');
    expect(e.message).toMatch(/^l\.gz: unexpected trailing data: header says 2 labels \(10 bytes\) but the file has 13 bytes/);
  });

  it('reports a truncated header', () => {
    const e = parseError(idxImages(1, 1, 1).subarray(0, 10));
    expect(e.message).toMatch(/truncated header.*needs 16 bytes but the file has 10/);
  });

  it('rejects a wrong magic number, naming both expected values', () => {
    const bytes = idxLabels([1]);
    bytes[2] = 0x0d; // float32 type code
    const e = parseError(bytes);
    expect(e.message).toMatch(/x-images\.gz: not an IDX file: magic number is 0x00000d01, expected 0x00000803.*0x00000801/);
  });

  it('hints when the bytes are still gzip-compressed', () => {
    const e = parseError(new Uint8Array([0x1f, 0x8b, 8, 0, 0, 0, 0, 0]));
    expect(e.message).toMatch(/still gzip-compressed/);
  });

  it('rejects files too short for a magic number', () => {
    expect(parseError(new Uint8Array(2)).message).toMatch(/only 2 bytes/);
  });

  it('rejects zero dimensions', () => {
    expect(parseError(idxImages(0, 28, 28)).message).toMatch(/0 images of 28x28.*at least 1/);
    expect(parseError(idxImages(5, 0, 28)).message).toMatch(/5 images of 0x28/);
  });
});
