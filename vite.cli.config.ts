// Node build of the command line and the rules benchmark. The engine imports
// its WGSL with `?raw`, which only Vite understands, so Node runs these bundles
// rather than the sources. Kept apart from vite.config.ts (the browser app).
import { builtinModules } from 'node:module';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  // The app's public/ (datasets) must not be copied into dist-cli; the CLI reads it in place.
  publicDir: false,
  logLevel: 'warn',
  ssr: {
    target: 'node',
    // Dawn is a native addon: it must be loaded from node_modules at run time. The
    // speed benchmark's browser half drives Chromium (playwright-core) and serves
    // its page with Vite's dev server: both stay packages, loaded at run time.
    external: ['webgpu', 'playwright-core', 'vite'],
  },
  build: {
    ssr: true,
    target: 'node20',
    outDir: 'dist-cli',
    emptyOutDir: true,
    // Readable output: a stack trace from a user's machine should point at real code.
    minify: false,
    sourcemap: true,
    copyPublicDir: false,
    reportCompressedSize: false,
    rolldownOptions: {
      input: {
        plasticity: 'src/cli/main.ts',
        'bench-rules': 'bench/rules.ts',
        'bench-snn': 'bench/snn.ts',
        'bench-speed': 'bench/speed.ts',
        'bench-matmul': 'bench/matmul.ts',
      },
      external: ['webgpu', 'playwright-core', 'vite', /^node:/, ...builtinModules],
      output: {
        format: 'es',
        entryFileNames: '[name].js',
        // Shared code sits next to the entries so import.meta.url-relative paths agree.
        chunkFileNames: '[name]-[hash].js',
      },
    },
  },
});
