// How the test pass splits the test set. Each chunk's row count is congruent
// to the training batch modulo 128, so every matmul of the test pass has the
// same tile fit (FIT_M: rows a multiple of 4, 32, 64 or 128, all dividing
// 128) as the training step's, and reuses its pipelines: fewer compiles
// before the first step. The last chunk is padded up to such a count; the
// padding rows read example 0 (the order buffer is padded) and the loss
// counts only `rows`.

/** Rows every chunk of the test pass is padded to agree with, modulo this. */
export const CHUNK_ALIGN = 128;

export interface EvaluationChunk {
  /** First test example. */
  offset: number;
  /** Test examples in the chunk: what the loss and accuracy count. */
  rows: number;
  /** Rows gathered and pushed through the network (rows plus padding). */
  paddedRows: number;
}

export interface EvaluationChunks {
  /** Rows the test batch buffers need: the largest chunk. */
  capacity: number;
  chunks: EvaluationChunk[];
}

/** The smallest count >= n congruent to `batch` modulo CHUNK_ALIGN. */
function alignUp(n: number, batch: number): number {
  const r = batch % CHUNK_ALIGN;
  return n + ((r - (n % CHUNK_ALIGN) + CHUNK_ALIGN) % CHUNK_ALIGN);
}

/**
 * Chunks of at most about `evalRows` test examples (the largest count congruent
 * to `batch` that fits, or the next one up when none does) over `count` examples.
 */
export function evaluationChunks(count: number, evalRows: number, batch: number): EvaluationChunks {
  const r = batch % CHUNK_ALIGN;
  const fitting = evalRows - ((evalRows - r + CHUNK_ALIGN) % CHUNK_ALIGN);
  const full = fitting > 0 ? fitting : alignUp(evalRows, batch);
  const chunks: EvaluationChunk[] = [];
  for (let offset = 0; offset < count; offset += full) {
    const rows = Math.min(full, count - offset);
    chunks.push({ offset, rows, paddedRows: Math.min(full, alignUp(rows, batch)) });
  }
  return { capacity: Math.max(...chunks.map((c) => c.paddedRows)), chunks };
}
