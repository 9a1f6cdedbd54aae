// Extractive question answering: the span of the context that answers.
//   node examples/question-answering.mjs [MODEL_DIR] ["question" "context"]
// The default model, weights/en-qa, is a tiny fine-tune made by
// tools/train/finetune_qa.py on synthetic questions ("Where does Anna live?"
// about "Anna lives in Lyon."): it shows the QA head at work on sentences of
// that shape and nothing more (see weights/en-qa/README.md). For real questions
// pass a SQuAD model's folder (bert-ts download deepset/bert-base-cased-squad2).
import { loadPipeline } from 'bert-ts';
import { modelArg, runIfMain } from './run.mjs';

export async function main(argv) {
  const nlp = await loadPipeline(modelArg(argv, 0, 'weights/en-qa', 'a BertForQuestionAnswering model (e.g. fine-tuned on SQuAD)'));
  const question = argv[1] ?? 'Where does Wolfgang live?';
  const context = argv[2] ?? 'Peter likes to eat fish. Wolfgang lives in Berlin. Anna was born in 1961.';
  console.log(`Q: ${question}\ncontext: ${context}`);
  for (const a of nlp.answer({ question, context }, { topK: 3 })) {
    console.log(`  ${a.score.toFixed(3)}  "${a.answer}"  (characters ${a.start}–${a.end})`);
  }
}

runIfMain(import.meta.url, main);
