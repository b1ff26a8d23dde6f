import adapter from '@sveltejs/adapter-static';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** A single-page app: one index.html, every screen rendered in the webview (Tauri serves the files). */
const config = {
  preprocess: vitePreprocess(),
  kit: {
    adapter: adapter({ pages: 'build', assets: 'build', fallback: 'index.html', strict: true }),
    // Inline scripts stay out of the page so that the CSP can be `script-src 'self'`.
    output: { bundleStrategy: 'single' },
  },
};

export default config;
