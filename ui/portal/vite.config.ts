import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vite';

// `npm --prefix ui run dev:portal` serves the portal on 5174 and forwards the API to a local tokhai-server.
export default defineConfig({
  plugins: [sveltekit()],
  clearScreen: false,
  server: {
    port: 5174,
    strictPort: true,
    fs: { allow: ['..'] },
    proxy: { '/v1': 'http://127.0.0.1:8780' },
  },
  build: { target: 'es2020', reportCompressedSize: true },
});
