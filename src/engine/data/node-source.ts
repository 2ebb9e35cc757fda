// Node-only ByteSource; kept apart from loader.ts so browser bundles never import node:fs.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { DatasetError, describeError } from './errors';
import type { ByteSource } from './loader';

export function nodeFileSource(dir: string): ByteSource {
  return async (fileName) => {
    const path = join(dir, fileName);
    let size: number;
    try {
      const info = await stat(path);
      if (!info.isFile()) throw new Error('not a regular file');
      size = info.size;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      const why = code === 'ENOENT' ? 'no such file' : describeError(e);
      throw new DatasetError(fileName, `cannot read ${path} (${why}). Check the data directory or download the file.`, {
        cause: e,
      });
    }
    // Node's web ReadableStream type differs nominally from the DOM one; same object at runtime.
    const stream = Readable.toWeb(createReadStream(path)) as unknown as ReadableStream<Uint8Array>;
    return { stream, totalBytes: size };
  };
}
