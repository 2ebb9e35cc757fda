import { join, resolve } from 'node:path';
import { build, defineConfig, type LogLevel, type Plugin } from 'vite';

/** Where the embeddable element lands in the site, and its entry. */
const EMBED_DIR = 'embed';
const EMBED_FILE = 'plasticity-lab.js';
const EMBED_ENTRY = 'src/ui/lab/plasticity-lab-element.ts';

/**
 * After the site is written, builds `<plasticity-lab>` on its own into
 * <outDir>/embed/plasticity-lab.js (docs/embedding.md): one ES module with
 * everything but the engine worker, which goes to embed/assets/ and is found
 * from the script's own URL (new URL(..., import.meta.url)), so a page
 * anywhere on the site loads the lab with one script tag. Its datasets are
 * the site's, at ../datasets/ from the script.
 */
function embedBuild(): Plugin {
  let root = '';
  let outDir = '';
  let logLevel: LogLevel | undefined;
  return {
    name: 'plasticity-embed',
    apply: 'build',
    configResolved(config) {
      root = config.root;
      outDir = resolve(config.root, config.build.outDir);
      logLevel = config.logLevel;
    },
    async closeBundle() {
      await build({
        root,
        configFile: false,
        base: './',
        publicDir: false,
        logLevel,
        build: {
          outDir: join(outDir, EMBED_DIR),
          emptyOutDir: true,
          target: 'es2022',
          // An app build of a script entry, not a library build: minified, and its name fixed.
          rollupOptions: { input: resolve(root, EMBED_ENTRY), output: { entryFileNames: EMBED_FILE } },
        },
      });
    },
  };
}

// The page: `vite` serves it (with public/ for the datasets), `vite build` writes a
// static site to dist/ that works from any path, since every URL is relative,
// and the embeddable element beside it in dist/embed/.
export default defineConfig({
  base: './',
  publicDir: 'public',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
  },
  plugins: [embedBuild()],
  // Pre-bundle the UI's dependencies at start-up so the first page load does not reload.
  optimizeDeps: {
    include: ['lit', 'lit/decorators.js', 'lit/directives/live.js', 'lit/directives/repeat.js', 'chart.js'],
  },
});
