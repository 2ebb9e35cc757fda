// Link version 0: the run form's flat query from before share links,
// ?dataset=&rule=&hidden=&lr=&epochs=&seed=&trainSubset=&testSubset= (no `v`).
// Such links are out in the world and keep working: each of their keys is read as the
// version-1 key of the same setting. What they leave out takes the rate baseline, which
// holds the run form's defaults of that time (mnist, bp, 256,256, lr 0.01, 5 epochs, seed 1)
// and the engine's (relu, momentum 0.9, batch 128).

export const LEGACY_VERSION = 0;

/** Version-0 key → version-1 key. */
export const LEGACY_KEYS: Readonly<Record<string, string>> = Object.freeze({
  dataset: 'd',
  rule: 'r',
  hidden: 'h',
  lr: 'lr',
  epochs: 'e',
  seed: 's',
  trainSubset: 'tr',
  testSubset: 'te',
});

/** The version-1 key a version-0 key stands for, or undefined for a key the run form never wrote. */
export function legacyKey(key: string): string | undefined {
  return Object.hasOwn(LEGACY_KEYS, key) ? LEGACY_KEYS[key] : undefined;
}
