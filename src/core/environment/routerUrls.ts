// Where a client on this machine reaches the environment's routers: the sandbox publishes each
// router's port 80 on 127.0.0.1; a real environment is reached at its routers' addresses, on the
// site's plain-HTTP port, or its HTTPS one when it has none.
import { status } from '../sandbox';
import { PrerequisiteError } from '../errors';
import { EnvironmentHandle } from './openEnvironment';

export async function routerUrls(handle: EnvironmentHandle): Promise<string[]> {
  const { env, config, topology } = handle;
  if (env.kind !== 'docker') {
    const { site } = handle;
    const base = site.http !== undefined ? `http://%s:${site.http}` : `https://%s:${site.https?.port ?? 443}`;
    return topology.routers.map((r) => base.replace('%s', topology.addresses[r] ?? r));
  }
  const sandbox = await status(config, env, { skipHealth: true });
  const urls = sandbox.hosts
    .filter((h) => h.role === 'router' && h.ports[80])
    .map((h) => `http://127.0.0.1:${h.ports[80]}`);
  if (!urls.length) throw new PrerequisiteError(`the sandbox "${env.name}" has no running router`, 'start it: bluegreen sandbox up');
  return urls;
}
