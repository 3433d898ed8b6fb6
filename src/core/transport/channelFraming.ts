// The wire format of a router's long-lived shell (channel.ts): what is written to the shell's
// stdin for one command, and how its stdout and stderr are cut back into that command's output.
//
// Each command is framed by markers carrying a fresh random nonce, written by the shell itself
// before and after the command on both streams. The nonce travels only on the shell's stdin, so
// no command can print its own end marker; text that merely looks like a marker (a previous
// command's, or the fixed prefix) is output like any other. Output before the start marker is
// stray (a background process of an earlier command) and is dropped, not given to this command.
import { randomBytes } from '../lazyCrypto';

/** The argv of the long-lived shell; the last word names it in `ps` on the host. */
export const CHANNEL_SHELL_ARGV = ['sh', '-s', 'bluegreen-channel'];

/** Unguessable per command: 16 random bytes. */
export function newNonce(): string {
  return randomBytes(16).toString('hex');
}

export function startMarker(nonce: string): string {
  return `<<bluegreen:${nonce}:start>>\n`;
}

export function endMarker(nonce: string): string {
  return `<<bluegreen:${nonce}:end>>`;
}

// Bytes printf's format may carry as they are: no `%`, `\` or `'`, nothing the shell or a
// terminal would read specially.
const PLAIN = /[A-Za-z0-9 ,./:_=+@#-]/;

/**
 * A printf format that prints exactly `data`: plain bytes as they are, every other byte as a
 * three-digit octal escape (POSIX printf, a builtin in dash, bash and busybox ash). Single-quote safe.
 */
export function printfFormat(data: Buffer): string {
  let out = '';
  for (const byte of data) {
    const char = String.fromCharCode(byte);
    out += byte < 0x80 && PLAIN.test(char) ? char : `\\${byte.toString(8).padStart(3, '0')}`;
  }
  return out;
}

/**
 * The text written to the channel's stdin for one command line. The command never reads the
 * shell's own stdin (that would swallow the next commands): it gets `input` through a pipe from
 * printf, or /dev/null. The exit code follows the end marker on stdout.
 */
export function channelScript(nonce: string, commandLine: string, input?: Buffer): string {
  const start = startMarker(nonce).trimEnd();
  const end = endMarker(nonce);
  // A group, so the redirection covers the whole line whatever it is made of.
  const group = `{ ${commandLine}\n}`;
  const stdin = input === undefined || input.length === 0 ? `${group} </dev/null` : `printf '${printfFormat(input)}' | ${group}`;
  return (
    `printf '%s\\n' '${start}'; printf '%s\\n' '${start}' >&2\n` +
    `${stdin}\n` +
    `bluegreen_rc=$?; printf '%s%s\\n' '${end}' "$bluegreen_rc"; printf '%s\\n' '${end}' >&2\n`
  );
}

export interface FrameProgress {
  /** Output of the command that arrived with this chunk, in order. */
  output: Buffer[];
  /** Set once the end marker and its line have arrived: what followed the marker on its line. */
  trailer?: string;
}

/**
 * Cuts one stream (stdout or stderr) of the channel into one command's output. Holds back only
 * the few bytes at the end that could be the beginning of the end marker, so output still
 * streams as it arrives.
 */
export class FrameReader {
  private readonly start: Buffer;
  private readonly end: Buffer;
  private buffer: Buffer = Buffer.alloc(0);
  private state: 'before' | 'output' | 'trailer' | 'done' = 'before';
  /** Bytes dropped before the start marker (stray output of an earlier command). */
  stray = 0;

  constructor(nonce: string) {
    this.start = Buffer.from(startMarker(nonce));
    this.end = Buffer.from(endMarker(nonce));
  }

  get started(): boolean {
    return this.state !== 'before';
  }

  get done(): boolean {
    return this.state === 'done';
  }

  /** The command's output held back as a possible marker: given when the command is cut short. */
  flush(): Buffer {
    if (this.state !== 'output') return Buffer.alloc(0);
    const rest = this.buffer;
    this.buffer = Buffer.alloc(0);
    return rest;
  }

  push(chunk: Buffer): FrameProgress {
    const progress: FrameProgress = { output: [] };
    if (this.state === 'done') {
      this.stray += chunk.length;
      return progress;
    }
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    if (this.state === 'before') {
      const at = this.buffer.indexOf(this.start);
      if (at < 0) {
        const keep = Math.min(this.buffer.length, this.start.length - 1);
        this.stray += this.buffer.length - keep;
        this.buffer = this.buffer.subarray(this.buffer.length - keep);
        return progress;
      }
      this.stray += at;
      this.buffer = this.buffer.subarray(at + this.start.length);
      this.state = 'output';
    }
    if (this.state === 'output') {
      const at = this.buffer.indexOf(this.end);
      if (at < 0) {
        const safe = this.buffer.length - (this.end.length - 1);
        if (safe > 0) {
          progress.output.push(this.buffer.subarray(0, safe));
          this.buffer = this.buffer.subarray(safe);
        }
        return progress;
      }
      if (at > 0) progress.output.push(this.buffer.subarray(0, at));
      this.buffer = this.buffer.subarray(at + this.end.length);
      this.state = 'trailer';
    }
    const newline = this.buffer.indexOf(0x0a);
    if (newline < 0) return progress;
    progress.trailer = this.buffer.subarray(0, newline).toString('latin1');
    this.stray += this.buffer.length - newline - 1;
    this.buffer = Buffer.alloc(0);
    this.state = 'done';
    return progress;
  }
}
