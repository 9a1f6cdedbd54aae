// Text classification: which topic is a text about?
//   node examples/classification.mjs [MODEL_DIR] ["text" ...]
import { loadPipeline } from 'bert-ts';
import { modelArg, runIfMain } from './run.mjs';

export async function main(argv) {
  const nlp = await loadPipeline(modelArg(argv, 0, 'weights/en-topic', 'a BertForSequenceClassification model'));
  const texts = argv.length > 1 ? argv.slice(1) : [
    'A computer lets you make more mistakes faster than any invention in human history.',
    'Love is the triumph of imagination over intelligence.',
    'The early bird gets the worm, but the second mouse gets the cheese.',
  ];
  console.log(`labels: ${nlp.model.labels.id2label.join(', ')}`);
  const results = nlp.classify(texts, { topK: 2 });
  texts.forEach((t, i) => {
    console.log(t);
    console.log('  ' + results[i].map((r) => `${r.label} ${r.score.toFixed(3)}`).join('   '));
  });
}

runIfMain(import.meta.url, main);
