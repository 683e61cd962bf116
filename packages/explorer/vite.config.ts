// The page is built from src/app into dist/app, the folder `explorerRoot` names; the server
// serves it at `/`. Preact's JSX through Vite's own transform (no Babel preset needed).
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  root: here('./src/app'),
  base: '/',
  publicDir: false,
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: here('./dist/app'),
    emptyOutDir: true,
    // elkjs alone is larger than Vite's default warning size; the graph view loads it lazily.
    chunkSizeWarningLimit: 2500,
    sourcemap: false,
    // Rolldown reports slow plugins on every build; the build of this page is not worth the noise.
    rolldownOptions: { checks: { pluginTimings: false } },
  },
});
