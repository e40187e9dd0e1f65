import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';

// Three builds: the Electron main process, the sandboxed preload (CommonJS, as sandboxed
// preloads require) and the React renderer. Everything outside src/main and src/preload is
// also compiled by tsc for plain Node (the CLI and the headless host).
export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      // The audit log's worker thread is loaded from beside the main bundle (engine/worker-file.ts).
      rollupOptions: { input: { index: resolve('src/main/index.ts'), 'audit-worker': resolve('src/host/audit-worker.ts') } },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      rollupOptions: {
        input: { index: resolve('src/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: 'src/renderer',
    build: {
      outDir: 'out/renderer',
      rollupOptions: { input: { index: resolve('src/renderer/index.html') } },
    },
    plugins: [react()],
  },
});
