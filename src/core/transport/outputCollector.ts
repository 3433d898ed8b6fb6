import { StringDecoder } from 'node:string_decoder';
import type { OutputStream } from './transport';

/**
 * A streaming caller (`onOutput`, e.g. `tail -F` of an access log for hours) has the output
 * already; the result then keeps only this much of each stream, so memory stays bounded.
 */
export const STREAMED_TAIL_CHARS = 64 * 1024;

/** Gathers a command's output as UTF-8 text, forwarding each decoded piece as it arrives. */
export class OutputCollector {
  private readonly decoders = { stdout: new StringDecoder('utf8'), stderr: new StringDecoder('utf8') };
  private readonly text = { stdout: '', stderr: '' };

  constructor(private readonly onOutput?: (stream: OutputStream, text: string) => void) {}

  push(stream: OutputStream, chunk: Buffer): void {
    this.append(stream, this.decoders[stream].write(chunk));
  }

  /** Flushes a multi-byte character split across the last chunks. */
  finish(): { stdout: string; stderr: string } {
    this.append('stdout', this.decoders.stdout.end());
    this.append('stderr', this.decoders.stderr.end());
    return { ...this.text };
  }

  private append(stream: OutputStream, text: string): void {
    if (!text) return;
    this.text[stream] += text;
    if (this.onOutput) {
      if (this.text[stream].length > 2 * STREAMED_TAIL_CHARS) this.text[stream] = this.text[stream].slice(-STREAMED_TAIL_CHARS);
      this.onOutput(stream, text);
    }
  }
}
