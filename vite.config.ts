import { defineConfig } from 'vite';

// The page: `vite` serves it (with public/ for the datasets), `vite build` writes a
// static site to dist/ that works from any path, since every URL is relative.
export default defineConfig({
  base: './',
  publicDir: 'public',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
  },
  // Pre-bundle the UI's dependencies at start-up so the first page load does not reload.
  optimizeDeps: {
    include: ['lit', 'lit/decorators.js', 'lit/directives/live.js', 'lit/directives/repeat.js', 'chart.js'],
  },
});
