// hosts setup beside the sites a router already serves (docs/hosts.md, "Routers that already
// serve sites"): the TLS files the config names must be there; each existing site is asked before
// the product's routing goes in and again after, and a site that answers differently afterwards
// puts the previous config back; the product's routing must answer on the listener users reach
// (in include mode, once the operator's server block includes it); and nginx's warning that two
// server blocks claim one name is a refusal, not a line in a log.
import { STATE_LOCATION, parseState } from '../router';
import { existingSiteProbes, parseExistingSites, type SiteProbe } from '../router/existingSites';
import { localRequest } from '../router/localRequest';
import { nginxConfigDumpCommand, routingAnswerCommand, siteAnswersCommand, siteTlsFilesCommand } from '../hostCommands/siteCommands';
import { runHostCommand } from '../hostCommands/run';
import { RouterHandle, routerSite } from '../fleet/routerHandle';
import { StageError } from '../errors';

/** Refused before anything is written: a certificate or key the site names is not on the router. */
export async function requireTlsFiles(router: RouterHandle): Promise<void> {
  const site = routerSite(router);
  if (!site.https) return;
  const missing = (await runHostCommand(router.transport, siteTlsFilesCommand(router, site))).stdout.trim().split('\n').filter(Boolean);
  if (missing.length) {
    throw new StageError(`${router.name}: ${missing.map((f) => `${f === site.https?.certificate ? 'the TLS certificate' : 'the TLS key'} ${f}`).join(' and ')} ${missing.length > 1 ? 'are not readable files' : 'is not a readable file'} there; nothing was changed`,
      'put the certificate and key on every router at the paths site.https names (or correct the paths in bluegreen.yaml), then run hosts setup again');
  }
}

export interface SitesBefore {
  probes: SiteProbe[];
  answers: string[];
  /** Why the router's own sites could not be read (then they are not asked before and after). */
  unreadable?: string;
}

/** The router's own sites and what each answers now, before setup changes anything. */
export async function readSitesBefore(router: RouterHandle): Promise<SitesBefore> {
  const dump = await runHostCommand(router.transport, nginxConfigDumpCommand(router));
  if (dump.code !== 0) {
    // nginx's config does not load as it is — perhaps because of the product's own file, which
    // setup is about to rewrite: go on, and let `nginx -t` on the new files decide.
    return { probes: [], answers: [], unreadable: `nginx -T failed: ${dump.stdout.trim().split('\n').filter((l) => /emerg|error/.test(l)).slice(-2).join(' / ') || `exit ${dump.code}`}` };
  }
  const probes = existingSiteProbes(parseExistingSites(dump.stdout, [router.paths.baseConfig, router.paths.siteSnippet]));
  return { probes, answers: await askSites(router, probes) };
}

async function askSites(router: RouterHandle, probes: SiteProbe[]): Promise<string[]> {
  if (!probes.length) return [];
  return (await runHostCommand(router.transport, siteAnswersCommand(probes.map((p) => p.request)))).stdout.trim().split('\n');
}

export interface AfterApply {
  /** Why the new config cannot stay. */
  problem: string;
  hint: string;
  /** Include mode before the operator's include: the files stay, so the include can be added. */
  keepFiles: boolean;
}

/** Checks run once nginx has taken the new config; undefined when all is well. */
export async function checkAfterApply(router: RouterHandle, before: SitesBefore, applyOutput: string): Promise<AfterApply | undefined> {
  const site = routerSite(router);
  const conflict = /conflicting server name "([^"]*)" on ([^,\s]+)/.exec(applyOutput);
  if (conflict) {
    return {
      problem: `${router.name}: another server block already claims the name "${conflict[1]}" on ${conflict[2]}, so nginx would ignore one of them; the previous config is back`,
      hint: site.include
        ? 'remove the duplicate server_name from your own config, then run hosts setup again'
        : 'give site.serverName a name no other server block on that port has, or use site.include to route inside that server block (docs/hosts.md), then run hosts setup again',
      keepFiles: false,
    };
  }
  // First the routing, until the new config is live: `nginx -s reload` returns before the new
  // workers run, and the sites asked under the old ones would prove nothing.
  const answer = await routingAnswer(router, site);
  if (answer !== 'the state document') {
    const where = `${site.https ? `https on ${site.https.port}` : `http on ${site.http}`}${site.serverNames.length ? ` for ${site.serverNames[0]}` : ''}`;
    return site.include
      ? {
        problem: `${router.name}: the routing is in ${router.paths.siteSnippet}, but the server block users reach (${where}) does not include it yet (asked ${STATE_LOCATION}: ${answer})`,
        hint: `add \`include ${router.paths.siteSnippet};\` inside that server block on ${router.name}, check with sudo nginx -t, reload nginx, then run hosts setup again`,
        keepFiles: true,
      }
      : {
        problem: `${router.name}: the product's server block does not answer on the listener users reach (${where}; asked ${STATE_LOCATION}: ${answer}) — another server block takes those requests (a default_server?); the previous config is back`,
        hint: 'give site.serverName the names users reach the product by, or use site.include to route inside that server block (docs/hosts.md), then run hosts setup again',
        keepFiles: false,
      };
  }
  const after = await askSites(router, before.probes);
  const broken = before.probes
    .map((probe, i) => ({ probe, was: before.answers[i], now: after[i] }))
    .filter((a) => a.was !== '000' && a.was !== a.now);
  if (broken.length) {
    return {
      problem: `${router.name}: the product's server block would change what your sites answer — ${broken.map((b) => `${b.probe.label}: ${b.was} before, ${b.now === '000' ? 'no answer' : b.now} after`).join('; ')}; the previous config is back`,
      hint: 'give site.serverName the names users reach the product by (so it takes no requests of your sites), or use site.include to route inside your own server block (docs/hosts.md), then run hosts setup again',
      keepFiles: false,
    };
  }
  return undefined;
}

const ROUTING_WAIT_MS = 10_000;

/** What the product's state location answers on the users' listener, asked until it is the state document or the wait ends. */
async function routingAnswer(router: RouterHandle, site: ReturnType<typeof routerSite>): Promise<string> {
  const deadline = Date.now() + ROUTING_WAIT_MS;
  for (;;) {
    // The state document, not just any 200: a site that answers every path would look the same.
    const routing = await runHostCommand(router.transport, routingAnswerCommand(localRequest(site, STATE_LOCATION)));
    const answer = routing.stdout.trim() === '' ? 'no answer' : isStateDocument(routing.stdout) ? 'the state document' : 'not the product\'s state document';
    if (answer === 'the state document' || Date.now() >= deadline) return answer;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

function isStateDocument(text: string): boolean {
  try {
    parseState(text);
    return true;
  } catch {
    return false;
  }
}
