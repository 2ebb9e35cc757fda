#!/usr/bin/env node
// The `plasticity` command. The engine imports WGSL through Vite, so Node runs
// the bundle in dist-cli/, built by `npm run build:cli` (and by `npm install`).
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const bundle = fileURLToPath(new URL('../dist-cli/plasticity.js', import.meta.url));

if (!existsSync(bundle)) {
  const root = fileURLToPath(new URL('..', import.meta.url));
  process.stderr.write(
    `plasticity: the command line is not built yet (${bundle} is missing).\n` +
      `Build it with:\n\n  cd ${JSON.stringify(root)} && npm run build:cli\n\n`,
  );
  process.exit(1);
}

// Importing the bundle runs the command with this process's arguments.
await import(pathToFileURL(bundle).href);
