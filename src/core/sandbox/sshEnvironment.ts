// The sandbox as real hosts: the `ssh` environment (YAML, to append under `environments:`) that
// reaches each router and app host's sshd on its published port, with the sandbox's key and
// pinned host keys. The bench and the SSH test suites drive the same containers this way. The
// database runs no sshd, so the environment names no database host.
import { BluegreenConfig, COLORS } from '../model';
import { sshFiles } from './ssh';
import type { HostStatus } from './status';

export function sandboxSshEnvironmentYaml(
  config: BluegreenConfig,
  sandboxHosts: Pick<HostStatus, 'name' | 'role' | 'color' | 'app' | 'ports'>[],
  name: string,
  portOverrides: Record<string, number> = {},
): string {
  const hosts = sandboxHosts.filter((h) => h.role === 'router' || h.role === 'app');
  const missing = hosts.filter((h) => !(portOverrides[h.name] ?? h.ports[22])).map((h) => h.name);
  if (missing.length) throw new Error(`${missing.join(', ')} publish no ssh port (the sandbox needs docker: { ssh: true })`);
  const files = sshFiles(config);
  const apps = config.apps.map((a) => a.name);
  const hostsOf = (color: string, app: string) => hosts.filter((h) => h.color === color && h.app === app).map((h) => h.name).join(', ');
  return [
    `  ${name}:`,
    '    ssh:',
    '      user: deploy',
    '      sudo: true',
    `      identityFile: ${JSON.stringify(files.privateKey)}`,
    `      options: { UserKnownHostsFile: ${JSON.stringify(files.knownHosts)}, StrictHostKeyChecking: "yes", IdentitiesOnly: "yes", ConnectTimeout: 5 }`,
    '    hosts:',
    ...hosts.map((h) => `      ${h.name}: { ssh: 127.0.0.1, port: ${portOverrides[h.name] ?? h.ports[22]}, address: ${h.name} }`),
    `    routers: [${hosts.filter((h) => h.role === 'router').map((h) => h.name).join(', ')}]`,
    '    colors:',
    ...COLORS.map((color) => `      ${color}: { ${apps.map((a) => `${a}: [${hostsOf(color, a)}]`).join(', ')} }`),
  ].join('\n');
}
