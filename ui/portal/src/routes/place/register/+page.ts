// Prerendered at build time (server/src/web serves it for /place/register): the form paints from the HTML,
// before the scripts load (Lighthouse, docs/benchmarks.md); the page then hydrates as a single-page app.
export const ssr = true;
export const prerender = true;
