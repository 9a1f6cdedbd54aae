// Extractive question answering: the span of the context that answers.
//   node examples/question-answering.mjs MODEL_DIR ["question" "context"]
import { loadPipeline } from 'bert-ts';
import { modelArg, runIfMain } from './run.mjs';

export async function main(argv) {
  const nlp = await loadPipeline(modelArg(argv, 0, 'weights/en-qa', 'a BertForQuestionAnswering model (e.g. fine-tuned on SQuAD)'));
  const question = argv[1] ?? 'Where does Wolfgang live?';
  const context = argv[2] ?? 'My name is Wolfgang and I live in Berlin. I work as a baker.';
  console.log(`Q: ${question}\ncontext: ${context}`);
  for (const a of nlp.answer({ question, context }, { topK: 3 })) {
    console.log(`  ${a.score.toFixed(3)}  "${a.answer}"  (characters ${a.start}–${a.end})`);
  }
}

runIfMain(import.meta.url, main);
