// What a Hub model id looks like, for Node and the browser alike (no imports).

/** A model id as the Hub accepts it: `name` or `org/name` (huggingface_hub's validate_repo_id). */
export function isRepoId(id: string): boolean {
  return id.length <= 96 && /^([\w\-.]+\/)?[\w\-.]+$/.test(id) && !id.includes('--') && !id.includes('..') && !/(^|\/)[-.]|[-.]($|\/)/.test(id);
}
