// A client-only single-page app served by tokhai-server: nothing is rendered on a server.
export const ssr = false;
export const prerender = false;
