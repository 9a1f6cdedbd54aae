// Placeholder: the tokenizer command is being written (issue 3).
import { BertTsError } from '../tensor/errors.ts';
export async function runTokenize(_args: string[]): Promise<number> {
  throw new BertTsError('tokenize: not built yet');
}
