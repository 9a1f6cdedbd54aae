/**
 * `golden record`: run a model on inputs.json and write our outputs in the
 * golden format (the same names and shapes, F32), every part the checkpoint
 * has. Users keep the file and verify later builds or models against it.
 */
import { writeSafetensors } from '../tensor/safetensors-fs.ts';
import type { BertModel } from '../bert/model.ts';
import { outputTensors } from './check.ts';
import type { GoldenInputs, GoldenName } from './golden-case.ts';

const ORDER: GoldenName[] = ['embeddings', 'hidden_states', 'attentions', 'last_hidden_state', 'pooler_output', 'mlm_logits', 'nsp_logits', 'logits', 'start_logits', 'end_logits'];

export function recordGolden(model: BertModel, inputs: GoldenInputs, outFile: string): { name: string; shape: number[] }[] {
  const out = model.forward(inputs, {
    outputHiddenStates: true,
    outputAttentions: true,
    mlm: model.hasMlmHead,
    nsp: model.hasNspHead,
    taskHead: model.taskHead !== null,
  });
  const tensors = outputTensors(out);
  const written = ORDER.flatMap((name) => {
    const t = tensors[name];
    return t ? [{ name, shape: t.shape, data: t.data }] : [];
  });
  writeSafetensors(outFile, written, { format: 'pt', producer: 'bert-ts golden record' });
  return written.map(({ name, shape }) => ({ name, shape }));
}
