/**
 * Where the Hub is and where its cache lives, read from the environment as
 * Python's huggingface_hub reads it (constants.py), with per-call overrides:
 *   HF_ENDPOINT                       the Hub (default https://huggingface.co)
 *   HF_HUB_CACHE | HUGGINGFACE_HUB_CACHE, else HF_HOME/hub, else $XDG_CACHE_HOME/huggingface/hub,
 *                                     else ~/.cache/huggingface/hub
 *   HF_HUB_OFFLINE | TRANSFORMERS_OFFLINE  1/ON/YES/TRUE: no request at all
 *   HF_TOKEN | HUGGING_FACE_HUB_TOKEN, else the file HF_TOKEN_PATH (default HF_HOME/token)
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import type { HubOptions } from '../load-options.ts';

export type { HubOptions };

export const DEFAULT_ENDPOINT = 'https://huggingface.co';

/** The environment (process.env), typed without @types/node so the published types compile without it. */
export type Env = Record<string, string | undefined>;

export interface HubSettings {
  endpoint: string;
  cacheDir: string;
  offline: boolean;
  /** why no request is made, when not HF_HUB_OFFLINE / localFilesOnly (the Hub did not answer earlier) */
  offlineReason?: string;
  token: string | undefined;
  revision: string;
}

/** huggingface_hub's _is_true. */
export function isTrue(value: string | undefined): boolean {
  return value !== undefined && ['1', 'ON', 'YES', 'TRUE'].includes(value.toUpperCase());
}

/** `~` at the start of a path, as os.path.expanduser does. */
function expandHome(p: string): string {
  return p === '~' || p.startsWith('~/') ? join(homedir(), p.slice(1)) : p;
}

export function hfHome(env: Env = process.env): string {
  if (env.HF_HOME) return resolve(expandHome(env.HF_HOME));
  return resolve(expandHome(env.XDG_CACHE_HOME || join(homedir(), '.cache')), 'huggingface');
}

/** The hub cache folder: HF_HUB_CACHE, else HUGGINGFACE_HUB_CACHE, else HF_HOME/hub. */
export function defaultCacheDir(env: Env = process.env): string {
  const explicit = env.HF_HUB_CACHE || env.HUGGINGFACE_HUB_CACHE;
  return explicit ? resolve(expandHome(explicit)) : join(hfHome(env), 'hub');
}

/** HF_TOKEN, else the token file that `hf auth login` (huggingface-cli login) writes. */
export function defaultToken(env: Env = process.env): string | undefined {
  const fromEnv = env.HF_TOKEN || env.HUGGING_FACE_HUB_TOKEN;
  if (fromEnv) return fromEnv.trim();
  const file = env.HF_TOKEN_PATH ? expandHome(env.HF_TOKEN_PATH) : join(hfHome(env), 'token');
  try {
    if (existsSync(file)) return readFileSync(file, 'utf8').trim() || undefined;
  } catch {
    // an unreadable token file is the same as none
  }
  return undefined;
}

export function hubSettings(options: HubOptions = {}, env: Env = process.env): HubSettings {
  return {
    endpoint: (options.endpoint ?? env.HF_ENDPOINT ?? DEFAULT_ENDPOINT).replace(/\/+$/, ''),
    cacheDir: options.cacheDir !== undefined ? resolve(expandHome(options.cacheDir)) : defaultCacheDir(env),
    offline: options.localFilesOnly === true || isTrue(env.HF_HUB_OFFLINE || env.TRANSFORMERS_OFFLINE),
    token: options.token ?? defaultToken(env),
    revision: options.revision ?? 'main',
  };
}
