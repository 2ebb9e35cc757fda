import type { GpuContext } from '../device/gpu-context';
import type { Dataset, DatasetSplit } from './loader';

export interface GpuSplit {
  count: number;
  /** Pixels as packed bytes, 4 per u32: MNIST's 60,000 images fit in 47 MB. */
  images: GPUBuffer;
  labels: GPUBuffer;
}

/** A dataset uploaded to the GPU once; minibatches are gathered from it there. */
export interface GpuDataset {
  name: string;
  pixels: number;
  classes: number;
  train: GpuSplit;
  test: GpuSplit;
  /** Mean and standard deviation of the training pixels, in [0, 1] units. */
  pixelMean: number;
  pixelStd: number;
}

export function uploadDataset(ctx: GpuContext, data: Dataset): GpuDataset {
  const pixels = data.rows * data.cols;
  const split = (s: DatasetSplit, name: string): GpuSplit => ({
    count: s.count,
    images: ctx.buffers.createWithData(`${data.name}.${name}.images`, s.images.subarray(0, s.count * pixels)),
    labels: ctx.buffers.createWithData(`${data.name}.${name}.labels`, Uint32Array.from(s.labels.subarray(0, s.count))),
  });
  const { mean, std } = pixelMoments(data.train.images.subarray(0, data.train.count * pixels));
  return {
    name: data.name, pixels, classes: data.classes,
    train: split(data.train, 'train'), test: split(data.test, 'test'),
    pixelMean: mean, pixelStd: std,
  };
}

/** Mean and std of byte pixels divided by 255, from a histogram (one pass, exact). */
export function pixelMoments(bytes: Uint8Array): { mean: number; std: number } {
  const counts = new Float64Array(256);
  for (let i = 0; i < bytes.length; i++) counts[bytes[i]]++;
  let n = 0;
  let sum = 0;
  let sumSq = 0;
  for (let v = 0; v < 256; v++) {
    const x = v / 255;
    n += counts[v];
    sum += counts[v] * x;
    sumSq += counts[v] * x * x;
  }
  if (n === 0) return { mean: 0, std: 1 };
  const mean = sum / n;
  const variance = Math.max(0, sumSq / n - mean * mean);
  // A constant image set has no spread to divide by; leave its scale alone.
  return { mean, std: variance > 0 ? Math.sqrt(variance) : 1 };
}
