// Text that came from a file or the command line is shown to a person: in a terminal, a raw
// control character or escape sequence would be run by the terminal instead of read (moving the
// cursor, retitling the window, hiding what follows). Every such character is shown as an escape.

/** C0 controls except the newline, DEL, C1 controls, and the bidi overrides that reorder text. */
// eslint-disable-next-line no-control-regex
const UNPRINTABLE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** `text` with every unprintable character written as `\xHH` or `\uHHHH`; newlines kept. */
export function printable(text: string): string {
  return text.replace(UNPRINTABLE, (ch) => {
    const code = ch.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/** The same, and a newline too: for one value quoted inside a one-line message. */
export function printableLine(text: string): string {
  return printable(text).replace(/\n/g, '\\n');
}

/** True when `text` has a character `printable` would escape (a newline counts). */
export function hasUnprintable(text: string): boolean {
  UNPRINTABLE.lastIndex = 0;
  const found = UNPRINTABLE.test(text) || text.includes('\n');
  UNPRINTABLE.lastIndex = 0;
  return found;
}
