/**
 * Which shard of the corpus this process embeds. A record belongs to shard
 * fnv1a32(utf8(id)) mod N: a property of its id, not of its position, so a
 * shard holds the same records however the input file is split or ordered,
 * and every copy of an id lands in the same shard (duplicates are resolved by
 * one process).
 *
 * The index and count come from --shard I/N, else from the job engine that
 * started the process: a Kubernetes Indexed Job (JOB_COMPLETION_INDEX, count
 * from --shards or BERT_TS_SHARDS), a Slurm array (SLURM_ARRAY_TASK_ID minus
 * SLURM_ARRAY_TASK_MIN, count SLURM_ARRAY_TASK_COUNT) or a Cloud Run job
 * (CLOUD_RUN_TASK_INDEX / CLOUD_RUN_TASK_COUNT).
 */
import { BertTsError, quote } from '../errors.ts';

export interface Shard {
  /** 0-based */
  index: number;
  count: number;
  /** where index and count came from, said for the log line */
  source: string;
}

export const WHOLE_CORPUS: Shard = { index: 0, count: 1, source: 'no --shard and no job-engine index: the whole corpus' };

/** FNV-1a, 32 bits, over the UTF-8 bytes of the id (easy to reproduce in any language). */
export function idHash(id: string): number {
  let h = 0x811c9dc5;
  const bytes = Buffer.from(id, 'utf8');
  for (let i = 0; i < bytes.length; i++) {
    h ^= bytes[i];
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** The shard (0..count-1) an id belongs to. */
export function shardOf(id: string, count: number): number {
  return idHash(id) % count;
}

/** 'I/N' with 0 ≤ I < N. */
export function parseShard(text: string): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const hint = "write --shard I/N with 0 ≤ I < N, e.g. --shard 0/4 for the first of four shards";
  if (!m) throw new BertTsError(`--shard must be I/N, got ${quote(text)}`, hint);
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1) throw new BertTsError(`--shard ${text}: the shard count must be at least 1`, hint);
  if (index >= count) throw new BertTsError(`--shard ${text}: the index must be less than the count (indexes start at 0)`, hint);
  return { index, count, source: '--shard' };
}

function whole(name: string, value: string | undefined, min: number): number | undefined {
  if (value === undefined || value === '') return undefined;
  const v = Number(value);
  if (!/^\s*\d+\s*$/.test(value) || !Number.isSafeInteger(v) || v < min) {
    throw new BertTsError(`${name} must be a whole number ≥ ${min}, got ${quote(value)}`);
  }
  return v;
}

/**
 * The shard from --shard / --shards and the environment (process.env by
 * default). Throws on anything that does not parse or does not fit.
 */
export function resolveShard(options: { shard?: string; shards?: string } = {}, env: Record<string, string | undefined> = process.env): Shard {
  const shardsOption = whole('--shards', options.shards, 1);
  if (options.shard !== undefined) {
    const s = parseShard(options.shard);
    if (shardsOption !== undefined && shardsOption !== s.count) throw new BertTsError(`--shard ${options.shard} and --shards ${shardsOption} disagree on the count`, 'give only --shard I/N');
    return s;
  }
  const k8s = whole('JOB_COMPLETION_INDEX', env.JOB_COMPLETION_INDEX, 0);
  if (k8s !== undefined) {
    const fromEnv = whole('BERT_TS_SHARDS', env.BERT_TS_SHARDS, 1);
    const count = shardsOption ?? fromEnv;
    if (count === undefined) {
      throw new BertTsError('JOB_COMPLETION_INDEX is set (a Kubernetes Indexed Job) but the shard count is not', 'pass --shards N or set BERT_TS_SHARDS to the Job\'s completions');
    }
    if (k8s >= count) throw new BertTsError(`JOB_COMPLETION_INDEX=${k8s} is not less than the shard count ${count}`, "the count must equal the Job's completions");
    return { index: k8s, count, source: `JOB_COMPLETION_INDEX (Kubernetes Indexed Job), count from ${shardsOption !== undefined ? '--shards' : 'BERT_TS_SHARDS'}` };
  }
  const slurm = whole('SLURM_ARRAY_TASK_ID', env.SLURM_ARRAY_TASK_ID, 0);
  if (slurm !== undefined) {
    const min = whole('SLURM_ARRAY_TASK_MIN', env.SLURM_ARRAY_TASK_MIN, 0) ?? 0;
    const count = shardsOption ?? whole('SLURM_ARRAY_TASK_COUNT', env.SLURM_ARRAY_TASK_COUNT, 1);
    if (count === undefined) throw new BertTsError('SLURM_ARRAY_TASK_ID is set but SLURM_ARRAY_TASK_COUNT is not', 'pass --shards N');
    const index = slurm - min;
    if (index < 0 || index >= count) {
      throw new BertTsError(`SLURM_ARRAY_TASK_ID=${slurm} (min ${min}) does not fit ${count} shards`, 'submit a contiguous array, e.g. sbatch --array=0-(N-1)');
    }
    return { index, count, source: 'SLURM_ARRAY_TASK_ID / SLURM_ARRAY_TASK_COUNT (Slurm array)' };
  }
  const cloudRun = whole('CLOUD_RUN_TASK_INDEX', env.CLOUD_RUN_TASK_INDEX, 0);
  if (cloudRun !== undefined) {
    const count = shardsOption ?? whole('CLOUD_RUN_TASK_COUNT', env.CLOUD_RUN_TASK_COUNT, 1);
    if (count === undefined) throw new BertTsError('CLOUD_RUN_TASK_INDEX is set but CLOUD_RUN_TASK_COUNT is not', 'pass --shards N');
    if (cloudRun >= count) throw new BertTsError(`CLOUD_RUN_TASK_INDEX=${cloudRun} is not less than CLOUD_RUN_TASK_COUNT=${count}`);
    return { index: cloudRun, count, source: 'CLOUD_RUN_TASK_INDEX / CLOUD_RUN_TASK_COUNT (Cloud Run job)' };
  }
  if (shardsOption !== undefined && shardsOption !== 1) {
    throw new BertTsError(`--shards ${shardsOption} without a shard index`, 'give --shard I/N, or run under a job engine that sets JOB_COMPLETION_INDEX, SLURM_ARRAY_TASK_ID or CLOUD_RUN_TASK_INDEX');
  }
  return WHOLE_CORPUS;
}
