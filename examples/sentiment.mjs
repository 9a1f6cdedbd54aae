// Sentiment: positive or negative? (any BertForSequenceClassification sentiment
// checkpoint, e.g. one fine-tuned on SST-2; its config's id2label names the labels)
//   node examples/sentiment.mjs MODEL_DIR ["text" ...]
import { loadPipeline } from 'bert-ts';
import { modelArg, runIfMain } from './run.mjs';

export async function main(argv) {
  const nlp = await loadPipeline(modelArg(argv, 0, 'weights/en-sentiment', 'a sentiment classifier'));
  const texts = argv.length > 1 ? argv.slice(1) : ['I loved this film, what a wonderful story!', 'The food was cold and the service was slow.', 'It was fine.'];
  nlp.classify(texts).forEach(([best], i) => console.log(`${best.label.padEnd(10)} ${best.score.toFixed(3)}  ${texts[i]}`));
}

runIfMain(import.meta.url, main);
