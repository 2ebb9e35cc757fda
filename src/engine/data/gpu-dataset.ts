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
}

export function uploadDataset(ctx: GpuContext, data: Dataset): GpuDataset {
  const pixels = data.rows * data.cols;
  const split = (s: DatasetSplit, name: string): GpuSplit => ({
    count: s.count,
    images: ctx.buffers.createWithData(`${data.name}.${name}.images`, s.images.subarray(0, s.count * pixels)),
    labels: ctx.buffers.createWithData(`${data.name}.${name}.labels`, Uint32Array.from(s.labels.subarray(0, s.count))),
  });
  return { name: data.name, pixels, classes: data.classes, train: split(data.train, 'train'), test: split(data.test, 'test') };
}
