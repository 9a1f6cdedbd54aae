// Types of tools/build-browser.mjs, for the tests that import it.
export function buildWorkerSource(): Promise<string>;
export function buildBrowser(options?: { outdir?: string; sourcemap?: boolean }): Promise<string>;
