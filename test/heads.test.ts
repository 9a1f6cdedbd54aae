// Task heads: chosen from config.architectures or an override, checked when
// loaded, reported when unused, recorded and verified in the golden format.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { BertModel } from '../src/bert/model.ts';
import { loadBertModel, readBertConfig } from '../src/bert/load.ts';
import { openCheckpoint, readSafetensors } from '../src/tensor/safetensors-fs.ts';
import { parseLabels, chooseArchitecture } from '../src/bert/architecture.ts';
import { parseBertConfig } from '../src/bert/config.ts';
import { recordGolden } from '../src/golden/record.ts';
import { verifyGoldenCase } from '../src/golden/verify.ts';
import { readGoldenInputs } from '../src/golden/golden-case.ts';

const FIX = resolve(import.meta.dirname, 'fixtures', 'golden');

describe('task heads', () => {
  it('loads the head config.architectures names, with its labels', () => {
    const seq = loadBertModel(join(FIX, 'seqcls-single'));
    expect(seq.architecture).toBe('BertForSequenceClassification');
    expect(seq.taskHead).toBe('sequence-classification');
    expect(seq.labels).toEqual({ numLabels: 3, id2label: ['negative', 'neutral', 'positive'], problemType: 'single_label_classification' });
    expect(seq.unusedTensors).toEqual([]);
    const qa = loadBertModel(join(FIX, 'qa'));
    expect(qa.taskHead).toBe('question-answering');
    const out = qa.forward(readGoldenInputs(join(FIX, 'qa', 'inputs.json')), { taskHead: true });
    expect(out.startLogits!.shape).toEqual([3, 18]);
    expect(out.endLogits!.shape).toEqual([3, 18]);
    const tok = loadBertModel(join(FIX, 'tokcls'));
    expect(tok.forward({ inputIds: [[2, 7, 3]] }, { taskHead: true }).logits!.shape).toEqual([1, 3, 5]);
  });

  it('an override loads the encoder alone and reports the head tensors as unused', () => {
    const m = loadBertModel(join(FIX, 'seqcls-single'), { architecture: 'BertModel' });
    expect(m.taskHead).toBeNull();
    expect(m.unusedTensors).toEqual(['classifier.bias', 'classifier.weight']);
    expect(() => m.forward({ inputIds: [[2, 3]] }, { taskHead: true })).toThrow(/no classifier or qa_outputs/);
    let reported: string[] = [];
    loadBertModel(join(FIX, 'qa'), { architecture: 'BertModel', onUnusedTensors: (n) => (reported = n) });
    expect(reported).toEqual(['qa_outputs.bias', 'qa_outputs.weight']);
  });

  it('a plain encoder loaded as a classifier is an error naming the missing tensors', () => {
    const dir = join(FIX, 'st-layout');
    expect(() => loadBertModel(dir, { architecture: 'BertForSequenceClassification' })).toThrow(/missing: 'classifier.weight', 'classifier.bias'/);
    expect(() => loadBertModel(dir, { architecture: 'BertForQuestionAnswering' })).toThrow(/'qa_outputs.weight', 'qa_outputs.bias'/);
    expect(() => loadBertModel(dir, { architecture: 'BertForMaskedLM' })).toThrow(/cls.predictions/);
    expect(() => loadBertModel(dir, { architecture: 'BertForCats' })).toThrow(/unknown architecture 'BertForCats'/);
    // config.architectures says classifier, the file has none
    const config = readBertConfig(dir);
    expect(() => BertModel.fromTensors({ ...config.raw, architectures: ['BertForTokenClassification'] }, openCheckpoint(dir))).toThrow(
      /loading as BertForTokenClassification, but the head's tensors are missing: 'classifier.weight'/,
    );
  });

  it('labels: id2label, else num_labels, else the file, else 2; a wrong count is a shape error', () => {
    const c = (raw: object) => parseBertConfig({ hidden_size: 8, num_attention_heads: 2, ...raw });
    expect(parseLabels(c({ id2label: { 1: 'b', 0: 'a' } })).id2label).toEqual(['a', 'b']);
    expect(parseLabels(c({ num_labels: 3 })).id2label).toEqual(['LABEL_0', 'LABEL_1', 'LABEL_2']);
    expect(parseLabels(c({}), 4).numLabels).toBe(4);
    expect(parseLabels(c({})).numLabels).toBe(2);
    expect(() => parseLabels(c({ problem_type: 'ranking' }))).toThrow(/problem_type 'ranking'/);
    expect(chooseArchitecture(c({ architectures: ['Foo', 'BertForQuestionAnswering'] }))).toBe('BertForQuestionAnswering');
    const dir = join(FIX, 'seqcls-single');
    const raw = readBertConfig(dir).raw;
    expect(() => BertModel.fromTensors({ ...raw, id2label: { 0: 'x', 1: 'y' } }, openCheckpoint(dir))).toThrow(/'classifier.weight' has shape \[3, 24\], expected \[2, 24\]/);
  });

  it('golden record writes logits / start_logits / end_logits that verify passes; a wrong head fails', () => {
    const tmp = mkdtempSync(join(tmpdir(), 'heads-'));
    for (const name of ['seqcls-multi', 'tokcls', 'qa']) {
      const dir = join(FIX, name);
      const out = join(tmp, `${name}.safetensors`);
      const written = recordGolden(loadBertModel(dir), readGoldenInputs(join(dir, 'inputs.json')), out);
      const names = written.map((w) => w.name);
      if (name === 'qa') expect(names).toEqual(expect.arrayContaining(['start_logits', 'end_logits']));
      else expect(names).toContain('logits');
      expect(readSafetensors(out).names()).toEqual(expect.arrayContaining(names));
    }
    // negative control: the classifier's bias perturbed → logits NOT OK, the encoder still OK
    const dir = join(FIX, 'seqcls-multi');
    const caseDir = mkdtempSync(join(tmpdir(), 'heads-case-'));
    for (const f of ['config.json', 'vocab.txt', 'inputs.json', 'golden.safetensors', 'model.safetensors']) copyFileSync(join(dir, f), join(caseDir, f));
    const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
    const src = openCheckpoint(dir);
    const wrong = BertModel.fromTensors(config, {
      files: src.files,
      names: () => src.names(),
      info: (n) => src.info(n),
      ints: (n) => src.ints(n),
      raw: (n) => src.raw(n),
      float32: (n) => (n === 'classifier.bias' ? src.float32(n).map((v) => v + 0.01) : src.float32(n)),
    });
    const report = verifyGoldenCase(caseDir, undefined, wrong);
    expect(report.tensors.find((t) => t.name === 'logits')!.ok).toBe(false);
    expect(report.tensors.find((t) => t.name === 'last_hidden_state')!.ok).toBe(true);
  });
});

describe('golden verify without architectures in config.json', () => {
  it('takes the head from the golden names and the checkpoint tensors', () => {
    for (const name of ['seqcls-single', 'tokcls', 'qa']) {
      const dir = mkdtempSync(join(tmpdir(), `heads-noarch-${name}-`));
      for (const f of ['vocab.txt', 'inputs.json', 'golden.safetensors', 'model.safetensors']) copyFileSync(join(FIX, name, f), join(dir, f));
      const config = JSON.parse(readFileSync(join(FIX, name, 'config.json'), 'utf8'));
      delete config.architectures;
      writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
      const report = verifyGoldenCase(dir);
      expect(report.tensors.map((t) => t.name)).toEqual(expect.arrayContaining(name === 'qa' ? ['start_logits', 'end_logits'] : ['logits']));
      expect(report.ok).toBe(true);
    }
  });
});
