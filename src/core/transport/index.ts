// Transports: how the engine reaches a host. See transport.ts for the contract.
export type { ExecOptions, ExecResult, HostLogEvent, HostLogSink, OutputStream, PutOptions, Transport } from './transport';
export { TransportError, type TransportErrorKind } from './transportError';
export { shellJoin, shellQuote } from './shellQuote';
export { DockerTransport, type DockerTransportOptions } from './dockerTransport';
export { SshTransport, type SshTransportOptions } from './sshTransport';
export { buildSshControlArgs, buildSshExecArgs, buildSshOptions, type SshConnectionOptions } from './sshArgs';
export { classifySshFailure } from './sshErrors';
export { withLog } from './withLog';
export { DEFAULT_HOST_PARALLELISM, runOnHosts, type HostOutcome } from './runOnHosts';
export { TIMEOUT_EXIT_CODE } from './commandLine';
export { createTar, type TarFile } from './tar';
export { traceTransports, onTransportDebug, type TransportTraceEvent } from './trace';
export { CHANNEL_IDLE_MS, CHANNEL_MAX_INPUT_BYTES, CHANNEL_MAX_TIMEOUT_MS } from './channel';
