// What `hosts setup` asks a router about the sites it already serves, and about the site the
// product's routing goes into (`site:` in the config): nginx's whole config, the answers each
// site gives, and the TLS files the config names. All reads; setup runs them as root (its login
// has full sudo), since `nginx -T` and a private key need it.
import type { SiteSpec } from '../model';
import type { LocalRequest } from '../router/localRequest';
import { shellQuote as q } from '../transport/shellQuote';
import { HostCommand, hostCommand } from './hostCommand';
import { RouterTarget, curlTarget } from './routerCommands';

/** Every config file nginx loads, each under `# configuration file PATH:` (nginx -T). */
export function nginxConfigDumpCommand(router: RouterTarget): HostCommand {
  return hostCommand('read the whole nginx config (nginx -T)', 'nginx -T 2>&1', { sudo: router.sudo, effect: 'read', timeoutMs: 20_000 });
}

/** One line per request, in order: the HTTP status it got on the router itself, `000` for no answer. */
export function siteAnswersCommand(requests: LocalRequest[]): HostCommand {
  const script = requests.length
    ? requests.map((r) => `curl -s -o /dev/null -w '%{http_code}\\n' --max-time 5 ${curlTarget(r)} || true`).join('; ')
    : 'true';
  return hostCommand('ask each site on the router for its answer', script, { sudo: false, effect: 'read', timeoutMs: 10_000 + requests.length * 6_000 });
}

/** The body `request` gets on the router itself (the product's state location proves its routing answers). */
export function routingAnswerCommand(request: LocalRequest): HostCommand {
  return hostCommand('ask the routing on the listener users reach', `curl -s --max-time 5 ${curlTarget(request)} | head -c 65536`, { sudo: false, effect: 'read' });
}

/** Names each TLS file of the site that is not a readable file on the router (nothing: all there). */
export function siteTlsFilesCommand(router: RouterTarget, site: SiteSpec): HostCommand {
  const files = site.https ? [site.https.certificate, site.https.key] : [];
  return hostCommand('check the TLS certificate and key files',
    files.length ? files.map((f) => `[ -f ${q(f)} ] && [ -r ${q(f)} ] || echo ${q(f)}`).join('; ') + '; true' : 'true',
    { sudo: router.sudo, effect: 'read' });
}
