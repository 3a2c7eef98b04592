import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The server serves dist/ and answers /api; in development Vite proxies /api to it.
export default defineConfig({
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true },
  server: {
    proxy: { '/api': { target: 'http://localhost:7007', changeOrigin: false } },
  },
});
