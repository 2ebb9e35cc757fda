// Builds the CLI bundle (dist-cli) once for the tests that run it, when it is
// missing or older than its sources.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('..', import.meta.url));

/** Newest modification time under `path` (files only), 0 if absent. */
function newest(path: string): number {
  if (!existsSync(path)) return 0;
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((f) => newest(join(path, f))));
}

export function ensureCliBuilt(): void {
  const outputs = ['plasticity.js', 'bench-rules.js'].map((f) => join(root, 'dist-cli', f));
  const built = Math.min(...outputs.map(newest));
  const sources = Math.max(...['src', 'bench', 'vite.cli.config.ts'].map((p) => newest(join(root, p))));
  if (built === 0 || built < sources) {
    execFileSync('npx', ['vite', 'build', '--config', 'vite.cli.config.ts'], { cwd: root, stdio: 'pipe' });
  }
}
