/**
 * BertEmbeddings:  x = LayerNorm(word[ids] + token_type[types] + position[0..S−1])
 * (dropout is off at inference). Writes st.hidden [B, S, H].
 */
import { kernels } from '../runtime/backend.ts';
import { bertEmbeddingSumQ8 } from '../layers/embedding.ts';
import type { BertConfig } from './config.ts';
import type { RunState } from './run-state.ts';
import type { EmbeddingsWeights } from './weights.ts';
import type { Probe } from './probe.ts';

export function embeddingsForward(st: RunState, w: EmbeddingsWeights, c: BertConfig, probe?: Probe): void {
  const { B, S } = st;
  const H = c.hiddenSize;
  const K = kernels();
  if (w.word_embeddings_q8) bertEmbeddingSumQ8(st.hidden, st.ids, st.types, w.word_embeddings_q8, w.position_embeddings, w.token_type_embeddings, B, S, H);
  else K.embeddingSum(st.hidden, st.ids, st.types, w.word_embeddings, w.position_embeddings, w.token_type_embeddings, B, S, H);
  probe?.('embeddings.sum', st.hidden, [B, S, H]);
  K.layerNorm(st.hidden, st.hidden, w.LayerNorm.weight, w.LayerNorm.bias, B * S, H, c.layerNormEps);
  probe?.('embeddings', st.hidden, [B, S, H]);
}
