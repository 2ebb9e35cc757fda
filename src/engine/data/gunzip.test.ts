import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { gunzipStream, isGzip, readAll, streamOf } from './gunzip';

function chunked(bytes: Uint8Array, size: number): ReadableStream<Uint8Array> {
  let at = 0;
  return new ReadableStream<Uint8Array>({
    pull(c) {
      if (at >= bytes.length) return c.close();
      c.enqueue(bytes.slice(at, at + size));
      at += size;
    },
  });
}

describe('gunzip', () => {
  const plain = new Uint8Array(100_000).map((_, i) => (i * 31) & 0xff);
  const gz = new Uint8Array(gzipSync(plain));

  it('decompresses a chunked gzip stream', async () => {
    expect(isGzip(gz)).toBe(true);
    expect(isGzip(plain)).toBe(false);
    const out = await readAll(gunzipStream(chunked(gz, 97)));
    expect(out).toEqual(plain);
  });

  it('readAll reports every chunk size and concatenates', async () => {
    const sizes: number[] = [];
    const out = await readAll(chunked(plain, 4096), (n) => sizes.push(n));
    expect(out).toEqual(plain);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(plain.length);
    expect(sizes.length).toBe(Math.ceil(plain.length / 4096));
  });

  it('rejects corrupt gzip data', async () => {
    const bad = gz.slice();
    bad.fill(0xaa, 20, 200);
    await expect(readAll(gunzipStream(streamOf(bad)))).rejects.toThrow();
  });
});
