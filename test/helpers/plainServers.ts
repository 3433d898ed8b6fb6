// "Plain servers" for the real-hosts suites: Debian containers prepared only by the operator
// steps of docs/hosts.md (read from that file, so the docs and the test hosts cannot drift
// apart) — sshd, sudo, a `deploy` user with a key and only the narrow sudo rule, nginx (with or
// without njs), the apps' runtimes. Each also has an administrator, `admin` (full sudo, the same
// key), as a cloud image comes with: `hosts setup` runs once as admin (`--ssh-user admin`),
// every stage as `deploy`. No product image, script or entrypoint is on them: `bluegreen hosts setup` brings
// everything else, as it would on a server a person set up. A server with `systemd: true` runs
// systemd as its init (PID 1); the others have none, and their services
// are started the way a SysV init would (`service … start`).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type Docker from 'dockerode';
import { connectDocker } from '../../src/core/docker/connect';
import { BuildContext } from '../../src/core/docker/buildContext';
import { buildImage, imageExists } from '../../src/core/docker/build';
import { execIn, lastLogLines, putFiles } from '../../src/core/docker/containers';
import { ensureNetwork, listContainersByLabel, publishedPorts, removeContainer } from '../../src/core/docker/resources';
import { Color } from '../../src/core/model';
import { freePort } from './sshd';

export const HOSTS_DOC = path.resolve(__dirname, '../../docs/hosts.md');
const BASE_IMAGE = 'debian:bookworm-slim';
const LABEL = 'bluegreen.test.plain';
/** The machine's administrator (full sudo), as Debian's cloud images have one; hosts setup logs in as it. */
export const ADMIN_USER = 'admin';
const ADMIN_ACCOUNT = [
  `id ${ADMIN_USER} >/dev/null 2>&1 || useradd --create-home --shell /bin/bash ${ADMIN_USER}`,
  `usermod -p '*' ${ADMIN_USER}`,
  `install -d -m 0700 -o ${ADMIN_USER} -g ${ADMIN_USER} /home/${ADMIN_USER}/.ssh`,
  `printf '%s\n' "$OPERATOR_KEYS" > /home/${ADMIN_USER}/.ssh/authorized_keys`,
  `chown ${ADMIN_USER}:${ADMIN_USER} /home/${ADMIN_USER}/.ssh/authorized_keys && chmod 0600 /home/${ADMIN_USER}/.ssh/authorized_keys`,
  `echo '${ADMIN_USER} ALL=(ALL) NOPASSWD: ALL' > /etc/sudoers.d/90-admin && chmod 0440 /etc/sudoers.d/90-admin`,
].join('\n');

/** What the routers' own sites answer (`existingSites`), before and after the product arrives. */
export const EXISTING_SITE_ANSWERS = { http: 'intranet site\n', https: 'secure site\n' } as const;
/** The names of the routers' own sites: plain HTTP on 80, and HTTPS on 443 with a self-signed certificate. */
export const EXISTING_SITE_NAMES = { http: 'intranet.test', https: 'secure.test' } as const;
/** Where the HTTPS site's self-signed certificate and key are on every plain router. */
export const EXISTING_TLS = { certificate: '/etc/ssl/existing/cert.pem', key: '/etc/ssl/existing/key.pem' } as const;

/**
 * A router a person set up serves sites of its own: one on 80 and one on 443 with a self-signed
 * certificate (neither is the default server, as on a host where the default site was removed).
 */
const EXISTING_SITES = [
  'apt-get install -y --no-install-recommends openssl',
  `mkdir -p ${path.posix.dirname(EXISTING_TLS.certificate)}`,
  `openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj /CN=${EXISTING_SITE_NAMES.https} -keyout ${EXISTING_TLS.key} -out ${EXISTING_TLS.certificate}`,
  `chmod 0600 ${EXISTING_TLS.key}`,
  `cat > /etc/nginx/sites-enabled/intranet <<'SITE'`,
  'server {',
  '    listen 80;',
  `    server_name ${EXISTING_SITE_NAMES.http};`,
  `    location / { default_type text/plain; return 200 "${EXISTING_SITE_ANSWERS.http.trim()}\\n"; }`,
  '}',
  'SITE',
  `cat > /etc/nginx/sites-enabled/secure <<'SITE'`,
  'server {',
  '    listen 443 ssl;',
  `    server_name ${EXISTING_SITE_NAMES.https};`,
  `    ssl_certificate ${EXISTING_TLS.certificate};`,
  `    ssl_certificate_key ${EXISTING_TLS.key};`,
  `    location / { default_type text/plain; return 200 "${EXISTING_SITE_ANSWERS.https.trim()}\\n"; }`,
  '}',
  'SITE',
  'nginx -t',
  '',
].join('\n');

/** The apps' database password on the plain database host (a test value, never a real secret). */
export const DB_PASSWORD = 'plain-test-password';

/** A role's block of docs/hosts.md: `packages <role>` blocks go into the image, `access` runs at boot. */
export function operatorSteps(markdown: string): Map<string, string> {
  const steps = new Map<string, string>();
  const pattern = /<!-- plain-server: ([a-z ]+?) -->\s*```sh\n([\s\S]*?)```/g;
  for (const match of markdown.matchAll(pattern)) steps.set(match[1], match[2]);
  return steps;
}

export interface PlainServerSpec {
  name: string;
  /** `router` (nginx; `njs` adds Debian's njs module), an app host, or the database host. */
  role: 'router' | 'app' | 'database';
  njs?: boolean;
  color?: Color;
  apps?: string[];
  /** systemd as PID 1 (Debian's systemd + systemd-sysv, part of the machine, not an operator step). */
  systemd?: boolean;
}

export interface PlainServer extends PlainServerSpec {
  container: Docker.Container;
  /** Published on 127.0.0.1. */
  sshPort: number;
  httpPort?: number;
}

export interface PlainServers {
  /** The key the `deploy` and `admin` users accept, and known_hosts pinning every server's host key. */
  identityFile: string;
  knownHosts: string;
  servers: PlainServer[];
  /** An `ssh` environment (YAML, to append under `environments:`). */
  environmentYaml(name: string, apps: string[]): string;
  exec(server: string, command: string, user?: string): Promise<{ exitCode: number; stdout: string; stderr: string }>;
  /** Writes a file on a server (as root), e.g. the schema an operator loads. */
  put(server: string, filePath: string, content: string | Buffer): Promise<void>;
  /** Stops a server as a machine goes down: nothing on it answers, its ssh port refuses. */
  stop(server: string): Promise<void>;
  /** Starts a stopped server again; it boots as at first (its services start, its files as it left them). */
  start(server: string): Promise<void>;
  /** Starts test/fixtures/load/load-client.js in a container on the servers' network. */
  startLoad(options: { targets: string[]; rps: number; maxSeconds: number }): Promise<LoadRun>;
  remove(): Promise<void>;
}

export interface LoadCounts { sent: number; ok: number; failedRaw: number; failedAsBrowser: number; errors: Record<string, number> }
export interface LoadReport { seconds: number; rps: number; targets: Record<string, LoadCounts> }
export interface LoadRun { stop(): Promise<LoadReport> }

const LOAD_CLIENT = path.resolve(__dirname, '../fixtures/load/load-client.js');

function packageRoles(spec: PlainServerSpec): string[] {
  if (spec.role === 'router') return ['every', 'router', ...(spec.njs ? ['njs'] : [])];
  if (spec.role === 'database') return ['every', 'database'];
  return ['every', ...(spec.apps ?? [])];
}

/** The image of one set of roles: base + the docs' package blocks, tagged by their content. */
async function ensureImage(docker: Docker, steps: Map<string, string>, roles: string[], systemd: boolean): Promise<string> {
  const context = new BuildContext();
  const dockerfile = [`FROM ${BASE_IMAGE}`, 'ENV DEBIAN_FRONTEND=noninteractive'];
  if (systemd) {
    dockerfile.push('RUN apt-get update && apt-get install -y --no-install-recommends systemd systemd-sysv', 'ENV container=docker');
  }
  for (const role of roles) {
    const block = steps.get(`packages ${role}`);
    if (block === undefined) throw new Error(`docs/hosts.md has no "plain-server: packages ${role}" block`);
    context.addFile(`step-${role}.sh`, Buffer.from(block));
    dockerfile.push(`COPY step-${role}.sh /tmp/`, `RUN sh -eux /tmp/step-${role}.sh && rm /tmp/step-${role}.sh`);
  }
  if (roles.includes('router')) {
    // Not an operator step of docs/hosts.md: the sites this router served before the product came.
    context.addFile('existing-sites.sh', Buffer.from(EXISTING_SITES));
    dockerfile.push('COPY existing-sites.sh /tmp/', 'RUN sh -eux /tmp/existing-sites.sh && rm /tmp/existing-sites.sh');
  }
  // Like a cloned VM image: no host keys baked in (each server makes its own at first boot).
  dockerfile.push('RUN apt-get clean && rm -rf /var/lib/apt/lists/* /etc/ssh/ssh_host_*', `CMD ${systemd ? '["/sbin/init"]' : '["sleep", "infinity"]'}`);
  context.addFile('Dockerfile', Buffer.from(dockerfile.join('\n') + '\n'));
  const tag = `bluegreen-plain-server:${systemd ? 'systemd-' : ''}${roles.join('-')}-${await context.hash()}`;
  if (!(await imageExists(docker, tag))) {
    await buildImage(docker, context, { tag, labels: { [LABEL]: 'image' } });
  }
  return tag;
}

/**
 * What a server's first boot does: make its own host keys and start its services. Under systemd
 * the services are enabled units (sshd is restarted once it has keys); elsewhere, SysV scripts.
 */
async function boot(container: Docker.Container, spec: PlainServerSpec): Promise<void> {
  if (spec.systemd) {
    await waitForSystemd(container);
    // ssh.service failed at boot without host keys (and hit its start limit): reset, then start.
    await mustExec(container, 'ssh-keygen -A && systemctl reset-failed ssh && systemctl restart ssh');
    return;
  }
  const services = { router: ' && service nginx start', database: ' && service postgresql start', app: '' }[spec.role];
  await mustExec(container, `ssh-keygen -A && service ssh start${services}`);
}

/** Until systemd says the system is up (`running`, or `degraded` where a unit has no place in a container). */
export async function waitForSystemd(container: Docker.Container, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    const result = await execIn(container, ['systemctl', 'is-system-running'], { timeoutMs: 10_000 }).catch((e: Error) => ({ exitCode: -1, stdout: e.message, stderr: '' }));
    last = result.stdout.trim();
    if (last === 'running' || last === 'degraded') return;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`systemd did not come up within ${timeoutMs / 1000} s (last: ${last})`);
}

async function mustExec(container: Docker.Container, command: string, env?: Record<string, string>): Promise<string> {
  const result = await execIn(container, ['sh', '-euc', command], { env, timeoutMs: 60_000 });
  assert.equal(result.exitCode, 0, `\`${command}\` failed in a plain server:\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

/** Builds (or reuses) the images and starts fresh servers on their own network `<prefix>`. */
export async function startPlainServers(prefix: string, specs: PlainServerSpec[]): Promise<PlainServers> {
  const docker = connectDocker();
  const steps = operatorSteps(readFileSync(HOSTS_DOC, 'utf8'));
  const access = steps.get('access');
  if (access === undefined) throw new Error('docs/hosts.md has no "plain-server: access" block');
  const databaseSteps = steps.get('database');
  if (databaseSteps === undefined) throw new Error('docs/hosts.md has no "plain-server: database" block');
  await removeLeftovers(docker, prefix);
  await ensureNetwork(docker, prefix, { [LABEL]: prefix });

  const dir = mkdtempSync(path.join(tmpdir(), `${prefix}-`));
  const identityFile = path.join(dir, 'id_ed25519');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'plain-server-operator', '-f', identityFile]);
  const operatorKey = readFileSync(`${identityFile}.pub`, 'utf8').trim();

  const servers: PlainServer[] = [];
  for (const spec of specs) {
    const image = await ensureImage(docker, steps, packageRoles(spec), spec.systemd === true);
    const exposed = spec.role === 'router' ? ['22/tcp', '80/tcp', '443/tcp'] : ['22/tcp'];
    const container = await docker.createContainer({
      name: `${prefix}-${spec.name}`,
      Hostname: spec.name,
      Image: image,
      Labels: { [LABEL]: prefix },
      ExposedPorts: Object.fromEntries(exposed.map((p) => [p, {}])),
      HostConfig: {
        // Fixed host ports: a restarted server keeps its address (known_hosts pins host:port).
        // systemd must be PID 1; the others get a minimal init that reaps orphans (docker-init).
        Init: !spec.systemd,
        ...(spec.systemd ? { Tmpfs: { '/run': '', '/run/lock': '' }, Binds: ['/sys/fs/cgroup:/sys/fs/cgroup:ro'] } : {}),
        NetworkMode: prefix,
        PortBindings: Object.fromEntries(await Promise.all(exposed.map(async (p) => [p, [{ HostIp: '127.0.0.1', HostPort: String(await freePort()) }]]))),
      },
      NetworkingConfig: { EndpointsConfig: { [prefix]: { Aliases: [spec.name] } } },
    });
    await container.start();
    await boot(container, spec);
    await mustExec(container, ADMIN_ACCOUNT, { OPERATOR_KEYS: operatorKey });
    await mustExec(container, access, { OPERATOR_KEYS: operatorKey });
    if (spec.role === 'database') await mustExec(container, databaseSteps, { APP_DB_PASSWORD: DB_PASSWORD });
    const ports = publishedPorts(await container.inspect());
    servers.push({ ...spec, container, sshPort: ports[22], httpPort: ports[80] });
  }

  const knownHosts = path.join(dir, 'known_hosts');
  const lines = await Promise.all(servers.map(async (s) => {
    const key = (await mustExec(s.container, 'cat /etc/ssh/ssh_host_ed25519_key.pub')).trim().split(/\s+/).slice(0, 2).join(' ');
    return `[127.0.0.1]:${s.sshPort} ${key}`;
  }));
  writeFileSync(knownHosts, lines.join('\n') + '\n', { mode: 0o600 });

  const byName = new Map(servers.map((s) => [s.name, s]));
  return {
    identityFile,
    knownHosts,
    servers,
    environmentYaml(name, apps) {
      const routers = servers.filter((s) => s.role === 'router');
      const hostsOf = (color: Color, app: string) => servers.filter((s) => s.color === color && s.apps?.includes(app)).map((s) => s.name).join(', ');
      return [
        `  ${name}:`,
        '    ssh:',
        '      user: deploy',
        '      sudo: true',
        `      identityFile: ${JSON.stringify(identityFile)}`,
        // The test's own ssh config: never the user's ~/.ssh/config.
        `      options: { UserKnownHostsFile: ${JSON.stringify(knownHosts)}, StrictHostKeyChecking: "yes", IdentitiesOnly: "yes" }`,
        '    hosts:',
        ...servers.map((s) => `      ${s.name}: { ssh: 127.0.0.1, port: ${s.sshPort}, address: ${s.name} }`),
        `    routers: [${routers.map((r) => r.name).join(', ')}]`,
        '    colors:',
        ...(['blue', 'green'] as const).map((color) => `      ${color}: { ${apps.map((a) => `${a}: [${hostsOf(color, a)}]`).join(', ')} }`),
      ].join('\n');
    },
    async exec(server, command, user) {
      const s = byName.get(server);
      if (!s) throw new Error(`no plain server ${server}`);
      return execIn(s.container, ['sh', '-c', command], { user, timeoutMs: 60_000 }).then((r) => ({ exitCode: r.exitCode, stdout: r.stdout, stderr: r.stderr }));
    },
    async put(server, filePath, content) {
      const s = byName.get(server);
      if (!s) throw new Error(`no plain server ${server}`);
      await putFiles(s.container, [{ path: filePath, content }]);
    },
    async stop(server) {
      const s = byName.get(server);
      if (!s) throw new Error(`no plain server ${server}`);
      await s.container.stop({ t: 10 });
    },
    async start(server) {
      const s = byName.get(server);
      if (!s) throw new Error(`no plain server ${server}`);
      // Fixed host ports (above): the same address and host key as before, so known_hosts still holds.
      await s.container.start();
      await boot(s.container, s);
    },
    async startLoad(options) {
      // Node.js from the same operator steps as a web host: the client is a plain Node program.
      const image = await ensureImage(docker, steps, ['every', 'web'], false);
      const container = await docker.createContainer({
        name: `${prefix}-load`,
        Image: image,
        Cmd: ['node', '/load/load-client.js', JSON.stringify(options)],
        Labels: { [LABEL]: prefix },
        HostConfig: { Init: true, NetworkMode: prefix },
      });
      await putFiles(container, [{ path: '/load/load-client.js', content: readFileSync(LOAD_CLIENT) }]);
      await container.start();
      return {
        async stop() {
          await container.kill({ signal: 'SIGTERM' }).catch(() => undefined);
          await container.wait();
          const lines = (await lastLogLines(container, 50)).filter((l) => l.startsWith('{'));
          await container.remove({ force: true }).catch(() => undefined);
          if (!lines.length) throw new Error('the load client printed no report');
          return JSON.parse(lines[lines.length - 1]) as LoadReport;
        },
      };
    },
    remove: () => removeLeftovers(docker, prefix),
  };
}

async function removeLeftovers(docker: Docker, prefix: string): Promise<void> {
  for (const info of await listContainersByLabel(docker, { [LABEL]: prefix })) await removeContainer(docker, info.Id);
  await docker.getNetwork(prefix).remove().catch(() => undefined);
}
