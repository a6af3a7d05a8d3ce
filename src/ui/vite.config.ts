import react from '@vitejs/plugin-react';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const uiDir = dirname(fileURLToPath(import.meta.url));

/** The teacher's app: built into dist/ui/ (never committed), served by the station in browser mode and in Electron. */
export default defineConfig({
  root: uiDir,
  base: '/',
  plugins: [react()],
  logLevel: 'warn',
  build: { outDir: join(uiDir, '..', '..', 'dist', 'ui'), emptyOutDir: true, sourcemap: false, chunkSizeWarningLimit: 2000 },
});
