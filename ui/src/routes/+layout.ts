// A client-only single-page app: nothing is rendered on a server, nothing is fetched from one.
export const ssr = false;
export const prerender = false;
