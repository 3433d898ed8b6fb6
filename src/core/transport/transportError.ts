/** Why a host could not be reached or written to; lets callers react without parsing messages. */
export type TransportErrorKind =
  | 'unreachable' // no connection: refused, timed out, unknown name, container missing or stopped
  | 'auth' // connected, but the host refused our credentials
  | 'host-key-unknown' // the host's key is not in known_hosts
  | 'host-key-changed' // the host's key differs from the pinned one
  | 'engine' // the Docker engine does not answer
  | 'client-missing' // no `ssh` binary
  | 'put-failed' // connected, but the file could not be written
  | 'other';

/** A transport failure: `message` says what happened, `hint` what to do about it. */
export class TransportError extends Error {
  readonly host: string;
  readonly hint: string;
  readonly kind: TransportErrorKind;
  /** Raw diagnostic output (e.g. ssh's stderr), kept for logs. */
  readonly detail: string;

  constructor(init: { host: string; message: string; hint: string; kind: TransportErrorKind; detail?: string; cause?: unknown }) {
    super(`${init.host}: ${init.message}`, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'TransportError';
    this.host = init.host;
    this.hint = init.hint;
    this.kind = init.kind;
    this.detail = init.detail ?? '';
  }
}
