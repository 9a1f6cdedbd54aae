/**
 * BertEmbeddings:  x = LayerNorm(word[ids] + token_type[types] + position[0..S−1])
 * (dropout is off at inference). Writes st.hidden [B, S, H].
 */
import { bertEmbeddingSum } from '../layers/embedding.ts';
import { layerNorm } from '../layers/layernorm.ts';
import type { BertConfig } from './config.ts';
import type { RunState } from './run-state.ts';
import type { EmbeddingsWeights } from './weights.ts';
import { Tensor } from '../tensor/tensor.ts';
import type { Probe } from './model.ts';

export function embeddingsForward(st: RunState, w: EmbeddingsWeights, c: BertConfig, probe?: Probe): void {
  const { B, S } = st;
  const H = c.hiddenSize;
  bertEmbeddingSum(st.hidden, st.ids, st.types, w.word_embeddings, w.position_embeddings, w.token_type_embeddings, B, S, H);
  probe?.('embeddings.sum', new Tensor(st.hidden, [B, S, H]));
  layerNorm(st.hidden, st.hidden, w.LayerNorm.weight, w.LayerNorm.bias, B * S, H, c.layerNormEps);
  probe?.('embeddings', new Tensor(st.hidden, [B, S, H]));
}
