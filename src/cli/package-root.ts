// Paths that belong to the installed package, not to wherever the user stands:
// `npx plasticity train` from any directory must still find the bundled datasets.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE_NAME = 'plasticity-lab';

let cached: string | null = null;

/** The folder holding this package's package.json, found by walking up from this module (bundle or source). */
export function packageRoot(): string {
  if (cached) return cached;
  const here = dirname(fileURLToPath(import.meta.url));
  for (let dir = here; ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && readName(manifest) === PACKAGE_NAME) return (cached = dir);
    if (dirname(dir) === dir) break;
  }
  // Bundles live in dist-cli/, one level below the root.
  return (cached = dirname(here));
}

function readName(manifest: string): string | null {
  try {
    return (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name ?? null;
  } catch {
    return null;
  }
}

export function defaultDataDir(): string {
  return join(packageRoot(), 'public', 'datasets');
}

export function packageVersion(): string {
  try {
    return (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version?: string }).version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}
