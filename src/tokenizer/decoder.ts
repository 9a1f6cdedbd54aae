// Ids back to text, as transformers' fast BERT tokenizer does it: HF's WordPiece
// decoder joins the tokens (a "##" piece glues to the previous one, any other token
// gets a space before it) and cleans each token (" ." → "."); then transformers'
// clean_up_tokenization runs on the joined text, which also catches spaces that span
// tokens (" ' " → "'").

/** transformers' clean_up_tokenization (and the WordPiece decoder's per-token cleanup). */
export function cleanUpTokenization(text: string): string {
  return text
    .replaceAll(' .', '.')
    .replaceAll(' ?', '?')
    .replaceAll(' !', '!')
    .replaceAll(' ,', ',')
    .replaceAll(" ' ", "'")
    .replaceAll(" n't", "n't")
    .replaceAll(" 'm", "'m")
    .replaceAll(" 's", "'s")
    .replaceAll(" 've", "'ve")
    .replaceAll(" 're", "'re");
}

/** HF's WordPiece decoder (decoders/wordpiece.rs). */
export function decodeWordPieces(tokens: string[], prefix: string, cleanup: boolean): string {
  let out = '';
  for (let i = 0; i < tokens.length; i++) {
    let t = tokens[i];
    if (i !== 0) t = t.startsWith(prefix) ? t.slice(prefix.length) : ' ' + t;
    out += cleanup ? cleanUpTokenization(t) : t;
  }
  return out;
}
