// The bench sandbox as real hosts: an `ssh` environment reaching each container's sshd on its
// published port, with the sandbox's key and pinned host keys — the path `bluegreen` takes to
// production routers. The sandbox's database runs no sshd, so this environment names no database
// host and its stages skip the database gate (it runs alongside the router reads anyway).
import { promises as fs } from 'node:fs';
import { BluegreenConfig, COLORS } from '../../src/core/model';
import { parseConfig, formatConfigError } from '../../src/core/config';
import { sshFiles, status } from '../../src/core/sandbox';

export async function withSshEnvironment(config: BluegreenConfig, sandboxEnv: string, name: string): Promise<BluegreenConfig> {
  const sandbox = await status(config, sandboxEnv, { skipHealth: true });
  const hosts = sandbox.hosts.filter((h) => h.role === 'router' || h.role === 'app');
  const missing = hosts.filter((h) => !h.ports[22]).map((h) => h.name);
  if (missing.length) throw new Error(`${missing.join(', ')} publish no ssh port: the sandbox needs docker: { ssh: true }`);
  const files = sshFiles(config);
  const apps = config.apps.map((a) => a.name);
  const hostsOf = (color: string, app: string) => hosts.filter((h) => h.color === color && h.app === app).map((h) => h.name).join(', ');
  const yaml = [
    `  ${name}:`,
    '    ssh:',
    '      user: deploy',
    '      sudo: true',
    `      identityFile: ${JSON.stringify(files.privateKey)}`,
    `      options: { UserKnownHostsFile: ${JSON.stringify(files.knownHosts)}, StrictHostKeyChecking: "yes", IdentitiesOnly: "yes", ConnectTimeout: 5 }`,
    '    hosts:',
    ...hosts.map((h) => `      ${h.name}: { ssh: 127.0.0.1, port: ${h.ports[22]}, address: ${h.name} }`),
    `    routers: [${hosts.filter((h) => h.role === 'router').map((h) => h.name).join(', ')}]`,
    '    colors:',
    ...COLORS.map((color) => `      ${color}: { ${apps.map((a) => `${a}: [${hostsOf(color, a)}]`).join(', ')} }`),
  ].join('\n');
  // Parsed as a user's file would be, at the same path, so artifacts and keys resolve the same.
  const text = `${await fs.readFile(config.file, 'utf8')}\n${yaml}\n`;
  const result = parseConfig(text, config.file);
  if (!result.ok) throw new Error(`the generated SSH environment is invalid:\n${result.errors.map(formatConfigError).join('\n')}`);
  return result.config;
}
