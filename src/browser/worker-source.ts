/**
 * The code of bert-ts's Web Worker (worker-main.ts, bundled and minified),
 * put here as a string by tools/build-browser.mjs when it builds
 * dist/bert-ts.browser.js. Workers are started from a blob of it, so the bundle
 * works from any page, any server and any bundler, with no second file to
 * serve. null when running from the TypeScript source (no Web Workers then).
 */
export const WORKER_SOURCE: string | null = null;
