// The local Docker sandbox: `up`, `down`, `status`, `logs`, plus the naming scheme and the
// artifact builder the stages use.
export { up, type UpOptions, type UpResult } from './up';
export { down, type DownOptions, type DownResult } from './down';
export { status, type SandboxStatus, type HostStatus, type StatusOptions } from './status';
export { logs, type LogsOptions, type SandboxLogs, type ContainerLogs } from './logs';
export { buildArtifact, artifactCacheDir, type Artifact, type BuildArtifactOptions } from '../artifacts/buildArtifact';
export { sandboxTopology, sandboxHosts, dockerEnvironment, databaseUrl, type SandboxHost, type HostRole } from './naming';
export { sshFiles, type SandboxSshFiles } from './ssh';
export { sandboxSshEnvironmentYaml } from './sshEnvironment';
export { BASE_IMAGE, IMAGE_PREFIX } from './images';
export { formatSandboxProgress, type SandboxProgress, type SandboxRunOptions } from './progress';
