// Words that need no quoting stay bare so logged commands read naturally.
const SAFE_WORD = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** POSIX shell quoting: the result is read back by `sh` as exactly `word`. */
export function shellQuote(word: string): string {
  if (SAFE_WORD.test(word)) return word;
  // Inside single quotes nothing is special except `'` itself: close, escape it, reopen.
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** Quotes every word and joins them into one command line. */
export function shellJoin(words: readonly string[]): string {
  return words.map(shellQuote).join(' ');
}
