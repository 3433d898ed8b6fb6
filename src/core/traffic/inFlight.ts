// Requests in flight from a router to some upstreams, read from `ss -Htni` on the router: a
// connection that has received nothing yet (a new one, its request sent), or whose last data went
// out (the request) after the last data came in (the answer), waits for an answer. An idle
// keep-alive connection last received — its answer. (A new connection's lastrcv counts from its
// handshake, usually the same millisecond as its request: so "nothing received" is read from
// bytes_received, which ss leaves out while it is 0.) A response still streaming in looks idle
// here; the common case a drain must wait for, a slow answer, does not.

export interface Upstream {
  /** The address nginx connects to: an IP address, or a name resolved on the router. */
  address: string;
  port: number;
}

export interface RouterConnections {
  /** Peer `ip:port` → [lastsnd ms, lastrcv ms] for each established connection. */
  sockets: Array<{ peer: string; lastSendMs: number; lastReceiveMs: number; receivedAny: boolean }>;
  /** Name → the addresses it resolves to on the router. */
  resolved: Map<string, Set<string>>;
}

/** Parses upstreamConnectionsCommand's output (`ss -Htni` lines, the separator, `@ name` and its `getent ahosts` lines). */
export function parseUpstreamConnections(output: string, separator: string): RouterConnections {
  const [socketPart, addressPart = ''] = output.split(separator);
  const sockets: RouterConnections['sockets'] = [];
  // ss prints each socket on a line, and with -i its timers on the next (indented) line.
  let peer: string | undefined;
  for (const line of socketPart.split('\n')) {
    if (!line.trim()) continue;
    if (!/^\s/.test(line)) {
      const fields = line.trim().split(/\s+/);
      peer = fields.length >= 4 ? normalizePeer(fields[3]) : undefined;
      continue;
    }
    if (!peer) continue;
    const send = /\blastsnd:(\d+)/.exec(line);
    const receive = /\blastrcv:(\d+)/.exec(line);
    const receivedAny = /\bbytes_received:[1-9]/.test(line);
    // A connection that never sent data has no lastsnd: it carries no request.
    if (send) sockets.push({ peer, lastSendMs: Number(send[1]), lastReceiveMs: receive ? Number(receive[1]) : Number.MAX_SAFE_INTEGER, receivedAny });
    peer = undefined;
  }
  const resolved = new Map<string, Set<string>>();
  let name: string | undefined;
  for (const line of addressPart.split('\n')) {
    if (line.startsWith('@ ')) {
      name = line.slice(2).trim();
      resolved.set(name, new Set());
      continue;
    }
    const address = line.trim().split(/\s+/)[0];
    if (name && address) resolved.get(name)?.add(address);
  }
  return { sockets, resolved };
}

/** `[::ffff:10.0.0.5]:8080` and `10.0.0.5:8080` alike → `10.0.0.5:8080`; `[fd00::5]:8080` kept. */
function normalizePeer(text: string): string {
  const mapped = /^\[::ffff:([\d.]+)\]:(\d+)$/.exec(text);
  return mapped ? `${mapped[1]}:${mapped[2]}` : text;
}

function peerText(address: string, port: number): string {
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}

/** How many requests the router has in flight to any of `upstreams`. */
export function countInFlight(connections: RouterConnections, upstreams: Upstream[]): number {
  const peers = new Set<string>();
  for (const upstream of upstreams) {
    const addresses = connections.resolved.get(upstream.address) ?? new Set([upstream.address]);
    for (const address of addresses) peers.add(peerText(address, upstream.port));
  }
  return connections.sockets.filter((s) => peers.has(s.peer) && (!s.receivedAny || s.lastSendMs < s.lastReceiveMs)).length;
}
