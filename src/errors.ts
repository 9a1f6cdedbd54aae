/**
 * One error type for everything a user can get wrong (a file, a shape, an option).
 * The message is one line that names the thing; `hint` says what to do about it
 * (llm.c's HINT). The CLI prints `error: message` and `hint: hint`, never a stack.
 */
export class BertTsError extends Error {
  readonly hint?: string;
  constructor(message: string, hint?: string) {
    super(message);
    this.name = 'BertTsError';
    this.hint = hint;
  }
}
