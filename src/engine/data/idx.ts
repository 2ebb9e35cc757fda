// IDX: the MNIST file format. Big-endian uint32 header, then uint8 payload.
import { DatasetError } from './errors';

export type IdxFile =
  | { kind: 'images'; count: number; rows: number; cols: number; data: Uint8Array }
  | { kind: 'labels'; count: number; data: Uint8Array };

const IMAGES_MAGIC = 0x00000803;
const LABELS_MAGIC = 0x00000801;
const RETRY = 'Re-download the file or choose another.';

const hex = (n: number) => '0x' + n.toString(16).padStart(8, '0');

/** Parses an uncompressed IDX file. `data` is a view into `bytes` (no copy). */
export function parseIdx(bytes: Uint8Array, fileName: string): IdxFile {
  if (bytes.length < 4) {
    throw new DatasetError(fileName, `not an IDX file: only ${bytes.length} bytes, too short for a header. ${RETRY}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0);
  if (magic !== IMAGES_MAGIC && magic !== LABELS_MAGIC) {
    const gz = bytes[0] === 0x1f && bytes[1] === 0x8b ? ' It is still gzip-compressed; decompress it first.' : '';
    throw new DatasetError(
      fileName,
      `not an IDX file: magic number is ${hex(magic)}, expected ${hex(IMAGES_MAGIC)} (uint8 images) ` +
        `or ${hex(LABELS_MAGIC)} (uint8 labels).${gz} ${RETRY}`,
    );
  }
  const isImages = magic === IMAGES_MAGIC;
  const headerBytes = isImages ? 16 : 8;
  if (bytes.length < headerBytes) {
    throw new DatasetError(
      fileName,
      `truncated header: an IDX ${isImages ? 'images' : 'labels'} header needs ${headerBytes} bytes ` +
        `but the file has ${bytes.length}. ${RETRY}`,
    );
  }
  const count = view.getUint32(4);
  const rows = isImages ? view.getUint32(8) : 1;
  const cols = isImages ? view.getUint32(12) : 1;
  const what = isImages ? `${count} images of ${rows}x${cols}` : `${count} labels`;
  if (count === 0 || rows === 0 || cols === 0) {
    throw new DatasetError(fileName, `header says ${what}; every dimension must be at least 1. ${RETRY}`);
  }
  const expected = headerBytes + count * rows * cols;
  if (bytes.length !== expected) {
    const problem = bytes.length < expected ? 'truncated' : 'unexpected trailing data';
    throw new DatasetError(
      fileName,
      `${problem}: header says ${what} (${expected} bytes) but the file has ${bytes.length} bytes. ${RETRY}`,
    );
  }
  const data = bytes.subarray(headerBytes);
  return isImages ? { kind: 'images', count, rows, cols, data } : { kind: 'labels', count, data };
}
