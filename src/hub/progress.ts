/**
 * Typed progress events for loading from the Hub (the onProgress option).
 * One file goes through: 'initiate' (about to fetch, total known or not) →
 * 'progress' (bytes so far) … → 'done'; a file already in the cache gives one
 * 'cached'. `loaded` counts bytes of the whole file, including bytes a resumed
 * download already had.
 */
export type ProgressEvent =
  | { status: 'initiate'; repo: string; file: string; loaded: number; total: number | undefined }
  | { status: 'progress'; repo: string; file: string; loaded: number; total: number | undefined }
  | { status: 'done'; repo: string; file: string; loaded: number; total: number | undefined }
  | { status: 'cached'; repo: string; file: string; path: string };

export type ProgressCallback = (event: ProgressEvent) => void;
