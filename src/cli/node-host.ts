// The Node side of a run: a WebGPU device through Dawn and datasets from disk,
// with failures phrased in terms of the command line's flags.
import { existsSync, statSync } from 'node:fs';
import { DatasetError } from '../engine/data/errors';
import { DATASETS, type Dataset, type DatasetName, type LoadProgress, loadDataset } from '../engine/data/loader';
import { nodeFileSource } from '../engine/data/node-source';
import { GpuContext } from '../engine/device/gpu-context';
import { GpuUnavailableError } from '../engine/errors';
import { UsageError } from './args';

/**
 * A device on the first adapter Dawn offers. `webgpu` is imported lazily so
 * that `--help` and `rules` work even where its native addon cannot load.
 */
export async function createNodeContext(): Promise<GpuContext> {
  let entry;
  try {
    const { nodeGpu } = await import('../engine/device/node-gpu');
    entry = nodeGpu();
  } catch (e) {
    const why = e instanceof Error ? e.message.split('\n')[0] : String(e);
    throw new GpuUnavailableError(
      `could not load the \`webgpu\` package (${why}). Run \`npm install\` in the package folder; it needs Linux, macOS or Windows on x64 or arm64.`,
    );
  }
  return GpuContext.create(entry);
}

export interface DataRequest {
  dataset: DatasetName;
  dataDir: string;
  trainSubset: number | undefined;
  testSubset: number | undefined;
  onProgress?: (p: LoadProgress) => void;
}

export async function loadFromDisk(req: DataRequest): Promise<Dataset> {
  if (!existsSync(req.dataDir) || !statSync(req.dataDir).isDirectory()) {
    throw new UsageError('--data-dir', `"${req.dataDir}" is not a folder; point --data-dir at the folder holding the .gz IDX files.`);
  }
  const opts: Parameters<typeof loadDataset>[2] = {};
  if (req.trainSubset !== undefined) opts.trainSubset = req.trainSubset;
  if (req.testSubset !== undefined) opts.testSubset = req.testSubset;
  if (req.onProgress) opts.onProgress = req.onProgress;
  try {
    return await loadDataset(req.dataset, nodeFileSource(req.dataDir), opts);
  } catch (e) {
    throw subsetError(e, req.dataset) ?? e;
  }
}

/** A subset larger than the file is a bad argument, not a broken dataset: name the flag. */
function subsetError(e: unknown, dataset: DatasetName): UsageError | null {
  if (!(e instanceof DatasetError) || !e.message.includes('asked for a subset')) return null;
  const files = DATASETS[dataset].files;
  const flag = e.fileName === files.trainImages ? '--train-subset' : e.fileName === files.testImages ? '--test-subset' : null;
  if (!flag) return null;
  const problem = e.message.slice(e.fileName.length + 2);
  return new UsageError(flag, problem);
}
