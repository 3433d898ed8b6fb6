import assert from 'node:assert/strict';
import { countInFlight, parseUpstreamConnections } from '../../src/core/traffic/inFlight';
import { UPSTREAM_CONNECTIONS_SEPARATOR, upstreamConnectionsCommand } from '../../src/core/hostCommands/routerCommands';

// `ss -Htni state established '( dport = :3000 or dport = :8080 )'` on a router, as Debian 12 prints it.
const SS = [
  '0      0      172.27.0.7:41384 172.27.0.4:8080',
  '\t bbr wscale:10,10 rto:204 rtt:0.102/0.059 ato:40 mss:1448 bytes_sent:302 bytes_received:218 lastsnd:16836 lastrcv:16828 lastack:16828 delivered:2 app_limited',
  '0      0      172.27.0.7:41390 172.27.0.5:3000',
  '\t cubic wscale:7,7 rto:204 rtt:0.1/0.05 bytes_sent:180 bytes_received:640 lastsnd:1200 lastrcv:5400 lastack:1200',
  '0      0      [::ffff:172.27.0.7]:41392 [::ffff:172.27.0.5]:3000',
  '\t cubic wscale:7,7 rto:204 rtt:0.1/0.05 bytes_sent:180 bytes_received:640 lastsnd:300 lastrcv:300 lastack:300',
  '0      0      172.27.0.7:41394 172.27.0.6:3000',
  '\t cubic wscale:7,7 rto:204 rtt:0.1/0.05 bytes_sent:180 bytes_received:900 lastsnd:20 lastrcv:9000 lastack:20',
  '0      0      172.27.0.7:41396 172.27.0.6:3000',
  '\t bbr wscale:10,10 rto:204 rtt:0.054/0.031 mss:1448 bytes_sent:216 bytes_acked:217 segs_out:3 segs_in:2 data_segs_out:1 lastsnd:1476 lastrcv:1476 lastack:1476',
  '',
].join('\n');
const ADDRESSES = [
  UPSTREAM_CONNECTIONS_SEPARATOR,
  '@ web-green-1',
  '172.27.0.5      STREAM bg-stagetest-green-web-1.bg-stagetest',
  '172.27.0.5      DGRAM  ',
  '172.27.0.5      RAW    ',
  '@ gone-host',
  '',
].join('\n');

describe('requests in flight from a router (ss -Htni)', () => {
  const connections = parseUpstreamConnections(`${SS}${ADDRESSES}`, UPSTREAM_CONNECTIONS_SEPARATOR);

  it('a connection that sent after it last received, or has received nothing, waits for an answer; an idle keep-alive one does not', () => {
    assert.equal(countInFlight(connections, [{ address: '172.27.0.5', port: 3000 }]), 1);
    assert.equal(countInFlight(connections, [{ address: '172.27.0.4', port: 8080 }]), 0, 'idle keep-alive: last received its answer');
    assert.equal(countInFlight(connections, [{ address: '172.27.0.6', port: 3000 }]), 2, 'one waits after an answer, one new has received nothing');
  });

  it('matches upstream names by the addresses they resolve to on the router (getent, under the name asked)', () => {
    assert.equal(countInFlight(connections, [{ address: 'web-green-1', port: 3000 }]), 1);
    assert.equal(countInFlight(connections, [{ address: 'web-green-1', port: 8080 }]), 0, 'the port must match too');
    assert.equal(countInFlight(connections, [{ address: 'gone-host', port: 3000 }]), 0, 'a name that resolves to nothing matches nothing');
  });

  it('reads IPv4-mapped peers as IPv4, sums several upstreams, and reads an empty answer as none', () => {
    assert.equal(countInFlight(connections, [{ address: '172.27.0.5', port: 3000 }, { address: '172.27.0.6', port: 3000 }]), 3);
    const empty = parseUpstreamConnections(`${UPSTREAM_CONNECTIONS_SEPARATOR}\n`, UPSTREAM_CONNECTIONS_SEPARATOR);
    assert.equal(countInFlight(empty, [{ address: '172.27.0.5', port: 3000 }]), 0);
  });

  it('the command: ss filtered by the upstream ports, each name looked up under an @ line, no sudo, 127 without ss', () => {
    const command = upstreamConnectionsCommand([8080, 3000, 3000], ['web-green-1']);
    assert.equal(command.script,
      "command -v ss >/dev/null || exit 127; ss -Htni state established '( dport = :3000 or dport = :8080 )' || exit 3; "
      + "echo --bluegreen-addresses--; echo '@ web-green-1'; getent ahosts web-green-1; true");
    assert.equal(command.sudo, false);
    assert.equal(command.effect, 'read');
  });
});
