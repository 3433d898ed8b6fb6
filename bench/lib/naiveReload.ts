// The baseline the product is measured against: what a team without it does — one upstream per
// app holding both colors, traffic moved by rewriting the server weights and `nginx -s reload`.
// No njs, no state document, no validation. Written here so the benchmark compares the product
// with the naive way under the same load on the same routers.
import { AppSpec, COLORS, Topology, TrafficPlan } from '../../src/core/model';
import { upstreamServer } from '../../src/core/router/escape';

export interface NaiveInput {
  apps: AppSpec[];
  topology: Topology;
  listenPort: number;
  listenAddress?: string;
}

/** A whole http-context include: upstreams weighted by the plan (segments ignored), one server. */
export function renderNaiveConfig(input: NaiveInput, plan: TrafficPlan): string {
  const lines = ['# bench baseline: naive weights + reload'];
  for (const app of input.apps) {
    lines.push(`upstream naive_${app.name} {`);
    for (const color of COLORS) {
      const weight = plan.weights[color];
      for (const host of input.topology.colors[color][app.name] ?? []) {
        const address = upstreamServer(input.topology.addresses[host] ?? host, app.port);
        // nginx has no weight 0: a color without traffic is marked down.
        lines.push(`    server ${address}${weight > 0 ? ` weight=${weight}` : ' down'};`);
      }
    }
    lines.push('    keepalive 32;', '}');
  }
  const listen = input.listenAddress ? upstreamServer(input.listenAddress, input.listenPort) : String(input.listenPort);
  lines.push('server {', `    listen ${listen};`, '    access_log off;', '    proxy_http_version 1.1;', '    proxy_set_header Connection "";');
  for (const app of [...input.apps].sort((a, b) => b.route.length - a.route.length)) {
    lines.push(`    location ${app.route} {`, `        proxy_pass http://naive_${app.name};`, '    }');
  }
  lines.push('}', '');
  return lines.join('\n');
}
