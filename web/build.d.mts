/** Build the viewer (index.html, style.css, main.js, worker.js) into outdir. */
export function buildWeb(outdir: string, options?: { minify?: boolean; sourcemap?: boolean }): Promise<string>;
