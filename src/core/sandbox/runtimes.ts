// Stock sandbox runtimes (`runtime:` of an app): the host image an app runs on in the sandbox,
// built by the product so the user writes no Dockerfile. It is what the sample apps' `runtime`
// targets are (sandbox/node-app, sandbox/java-app): a Debian 12 host with the language runtime,
// curl, sshd and sudo; the host tooling, the app user and the release are added on top by
// ensureAppImage, as for an app with its own Dockerfile.
import type Docker from 'dockerode';
import { AppRuntime, AppSpec } from '../model';
import { PrerequisiteError } from '../errors';
import { BuildContext } from '../docker/buildContext';
import { imageExists, tryPull } from '../docker/build';
import { BASE_IMAGE, IMAGE_PREFIX, ensureBuilt } from './images';
import { SandboxRunOptions, report } from './progress';

/** Debian 12's packages of each stock runtime (Node.js 18, OpenJDK 17). */
export const STOCK_RUNTIME_PACKAGES = {
  node: ['nodejs'],
  java: ['openjdk-17-jre-headless'],
} as const;

/** What every sandbox app host needs besides the runtime: the health probe, sshd, sudo. */
const HOST_PACKAGES = ['curl', 'openssh-server', 'sudo'];

/** The Dockerfile of a runtime image: `FROM` the base (or the user's image), the packages, the PATH the host tooling expects. */
export function runtimeDockerfile(runtime: AppRuntime): string {
  const from = runtime.kind === 'image' ? runtime.image : BASE_IMAGE;
  const packages = [...(runtime.kind === 'stock' ? STOCK_RUNTIME_PACKAGES[runtime.name] : []), ...HOST_PACKAGES];
  return [
    `# bluegreen stock runtime: ${runtime.kind === 'stock' ? runtime.name : `the image ${runtime.image}`}`,
    `FROM ${from}`,
    // mkdir: slim bases drop man pages, and a JRE's alternatives need man1 to exist.
    'RUN mkdir -p /usr/share/man/man1 \\',
    ' && apt-get update \\',
    ` && apt-get install -y --no-install-recommends ${packages.join(' ')} \\`,
    ' && apt-get clean \\',
    ' && rm -rf /var/lib/apt/lists/* /etc/ssh/ssh_host_*',
    // /usr/local/bin stays: an official language image keeps its runtime there.
    'ENV PATH=/opt/bluegreen/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    'EXPOSE 22',
    '',
  ].join('\n');
}

/** How a runtime is named in messages: `node`, or `the image node:20-bookworm-slim`. */
export const describeRuntime = (runtime: AppRuntime): string => (runtime.kind === 'stock' ? runtime.name : `the image ${runtime.image}`);

/** Builds (or reuses) the stock runtime image of `app`, tagged by its Dockerfile's hash: bluegreen/runtime:<hash>. */
export async function ensureStockRuntimeImage(docker: Docker, app: AppSpec & { runtime: AppRuntime }, options: SandboxRunOptions): Promise<string> {
  const { runtime } = app;
  if (runtime.kind === 'image' && !(await imageExists(docker, runtime.image))) {
    report(options, 'base-image', `${runtime.image} (apps.${app.name}.runtime) is missing; trying to pull it`);
    if (!(await tryPull(docker, runtime.image, options.signal))) {
      throw new PrerequisiteError(
        `The image ${runtime.image} (apps.${app.name}.runtime.image) is missing and cannot be pulled`,
        `pull or build it first (docker pull ${runtime.image}), or use runtime: node / java on ${BASE_IMAGE}`,
      );
    }
  }
  const context = new BuildContext().addFile('Dockerfile', Buffer.from(runtimeDockerfile(runtime)));
  const tag = `${IMAGE_PREFIX}runtime:${await context.hash()}`;
  report(options, 'runtime', `${app.name} runs on ${describeRuntime(runtime)} (${tag})`);
  return ensureBuilt(docker, context, tag, { kind: runtime.kind === 'stock' ? `runtime-${runtime.name}` : 'runtime-image' }, options);
}
