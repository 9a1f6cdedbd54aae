/**
 * The Hub's answers turned into one-line errors that say what to do
 * (huggingface_hub's hf_raise_for_status reads the same X-Error-Code header).
 */
import { BertTsError } from '../errors.ts';

/** X-Error-Code values the Hub sends. */
export type HubErrorCode = 'RepoNotFound' | 'RevisionNotFound' | 'EntryNotFound' | 'GatedRepo' | 'HttpError' | 'Network' | 'NotCached' | 'Checksum' | 'DiskFull' | 'TooLarge';

export class HubError extends BertTsError {
  /** the Hub answered the file's metadata, and the transfer of its bytes failed (not "the Hub cannot be asked") */
  duringDownload = false;

  constructor(
    readonly code: HubErrorCode,
    message: string,
    hint?: string,
    /** the HTTP status, when the Hub answered */
    readonly status?: number,
    /** X-Repo-Commit of the answer (an EntryNotFound names the commit it looked in) */
    readonly commit?: string,
  ) {
    super(message, hint);
    this.name = 'HubError';
  }
}

const TOKEN_HINT = 'set HF_TOKEN (or pass token / --token) to an access token that can read it';

/** The error for a non-2xx answer to a request for `file` of `repo` at `revision`. */
export function httpError(res: Response, repo: string, revision: string, file: string, hasToken: boolean): HubError {
  const code = res.headers.get('x-error-code') ?? '';
  const commit = res.headers.get('x-repo-commit') ?? undefined;
  const status = res.status;
  const where = `${repo}@${revision}`;
  if (code === 'EntryNotFound') {
    return new HubError('EntryNotFound', `${where}: no file '${file}' in the repository (404)`, 'check the file name, or the revision', status, commit);
  }
  if (code === 'RevisionNotFound') {
    return new HubError('RevisionNotFound', `${repo}: no revision '${revision}' (404)`, 'use a branch, tag or commit hash the repository has (default "main")', status, commit);
  }
  if (code === 'GatedRepo') {
    return new HubError('GatedRepo', `${repo} is gated (${status}): access requires accepting its conditions`, `accept them on the model's page, then ${TOKEN_HINT}`, status, commit);
  }
  if (code === 'RepoNotFound' || status === 401) {
    if (status === 401 || !hasToken) {
      return new HubError(
        'RepoNotFound',
        `${repo}: repository not found, or private and needs a token (${status})`,
        hasToken ? 'check the name; the token given was refused or cannot read this repository' : `check the name; if it is private or gated, ${TOKEN_HINT}`,
        status,
        commit,
      );
    }
    return new HubError('RepoNotFound', `${repo}: repository not found (${status})`, 'check the name (org/name) on the Hub, or the token\'s permissions', status, commit);
  }
  if (status === 403) {
    return new HubError('GatedRepo', `${repo}: access denied (403)`, hasToken ? 'the token cannot read this repository: check its permissions' : TOKEN_HINT, status, commit);
  }
  if (status === 404) {
    return new HubError('EntryNotFound', `${where}: '${file}' not found (404)`, 'check the model name and the file', status, commit);
  }
  const message = res.headers.get('x-error-message');
  return new HubError('HttpError', `${where}: the Hub answered ${status} for '${file}'${message ? ` (${message})` : ''}`, 'try again later, or use the cached copy (HF_HUB_OFFLINE=1)', status, commit);
}

/** A request that got no answer (refused, reset, timed out). */
export function networkError(url: string, err: unknown): HubError {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  const why = cause?.code ?? cause?.message ?? (err as Error).message;
  return new HubError('Network', `cannot reach ${new URL(url).origin} (${why})`, 'check the network or HF_ENDPOINT; models already in the cache load with HF_HUB_OFFLINE=1');
}
