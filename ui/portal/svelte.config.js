import adapter from '@sveltejs/adapter-static';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** The web portal (ADR 0021): a second SvelteKit entry beside the app's, sharing `ui/src/lib` (styles, i18n,
 *  components) as `$lib`, with its own code under `$portal`, built to `ui/portal/build` and embedded in
 *  tokhai-server. One index.html for every route, rendered in the browser; the registration page is also
 *  prerendered at build time (`routes/place/register/+page.ts`) so that it paints before the scripts run. */
const config = {
  preprocess: vitePreprocess(),
  kit: {
    adapter: adapter({ pages: 'build', assets: 'build', fallback: 'index.html', strict: true }),
    files: { lib: '../src/lib' },
    alias: { $portal: 'src/portal' },
    // One script file (a split build's dozens of preloads delayed the prerendered page's first paint); the
    // server allows SvelteKit's start-up scripts by their hashes (server/src/web).
    output: { bundleStrategy: 'single' },
  },
};

export default config;
