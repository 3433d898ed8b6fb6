// Where a client on this machine reaches the environment's routers: the sandbox publishes each
// router's port 80 on 127.0.0.1; a real environment is reached at its routers' addresses.
import { status } from '../sandbox';
import { PrerequisiteError } from '../errors';
import { EnvironmentHandle } from './openEnvironment';

export async function routerUrls(handle: EnvironmentHandle): Promise<string[]> {
  const { env, config, topology } = handle;
  if (env.kind !== 'docker') return topology.routers.map((r) => `http://${topology.addresses[r] ?? r}:${handle.routerPort}`);
  const sandbox = await status(config, env, { skipHealth: true });
  const urls = sandbox.hosts
    .filter((h) => h.role === 'router' && h.ports[80])
    .map((h) => `http://127.0.0.1:${h.ports[80]}`);
  if (!urls.length) throw new PrerequisiteError(`the sandbox "${env.name}" has no running router`, 'start it: bluegreen sandbox up');
  return urls;
}
