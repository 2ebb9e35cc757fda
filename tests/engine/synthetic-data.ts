// Tiny datasets built in memory, for engine tests that must not depend on MNIST.
import type { Dataset } from '../../src/engine/data/loader';
import { Rng } from '../../src/engine/rng';

export function syntheticDataset(pixels: number, classes: number, trainCount: number, testCount: number, seed = 7): Dataset {
  const rng = new Rng(seed);
  const split = (count: number) => ({
    count,
    images: Uint8Array.from({ length: count * pixels }, () => rng.below(256)),
    labels: Uint8Array.from({ length: count }, () => rng.below(classes)),
  });
  return {
    name: 'synthetic',
    rows: 1,
    cols: pixels,
    classes,
    classNames: Array.from({ length: classes }, (_, i) => String(i)),
    train: split(trainCount),
    test: split(testCount),
  };
}
