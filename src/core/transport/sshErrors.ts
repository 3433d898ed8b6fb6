// Turns ssh's exit-255 stderr into what happened and what to do. The hints never suggest
// switching host-key checking off: they say how to learn and pin the right key.
import type { TransportErrorKind } from './transportError';

export interface SshFailure {
  kind: TransportErrorKind;
  message: string;
  hint: string;
}

export interface SshTargetDescription {
  target: string;
  port?: number;
  user?: string;
}

function keyscanCommand(t: SshTargetDescription): string {
  return `ssh-keyscan ${t.port !== undefined ? `-p ${t.port} ` : ''}${t.target}`;
}

/** The first line of ssh's stderr that is not a warning, for the message. */
function firstReason(stderr: string): string {
  const lines = stderr.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  return lines.find((l) => !/^(warning|@)/i.test(l)) ?? lines[0] ?? 'no output from ssh';
}

export function classifySshFailure(stderr: string, t: SshTargetDescription): SshFailure {
  const reason = firstReason(stderr);
  const where = `${t.user ? `${t.user}@` : ''}${t.target}${t.port !== undefined ? ` port ${t.port}` : ''}`;

  if (/REMOTE HOST IDENTIFICATION HAS CHANGED|Host key for .* has changed/i.test(stderr)) {
    return {
      kind: 'host-key-changed',
      message: `the host key of ${where} has CHANGED since it was pinned in known_hosts (${reason})`,
      hint:
        'This can be an attack, or a reinstalled host. Ask the host\'s administrator for the new key\'s fingerprint ' +
        `and compare it with \`${keyscanCommand(t)} | ssh-keygen -lf -\`; only if they match, remove the old key ` +
        `(\`ssh-keygen -R ${t.port !== undefined ? `'[${t.target}]:${t.port}'` : t.target}\`) and add the new one.`,
    };
  }
  if (/host key is known|Host key verification failed|No .* host key is known/i.test(stderr)) {
    return {
      kind: 'host-key-unknown',
      message: `the host key of ${where} is not in known_hosts, so ssh refused to connect (${reason})`,
      hint:
        `Check the key's fingerprint with the host's administrator (\`${keyscanCommand(t)} | ssh-keygen -lf -\`), ` +
        `then add it: \`${keyscanCommand(t)} >> ~/.ssh/known_hosts\`, or connect once interactively with \`ssh ${t.target}\` and confirm.`,
    };
  }
  if (/Permission denied|Too many authentication failures|no matching (host key|key exchange|cipher)|Authentication failed/i.test(stderr)) {
    return {
      kind: 'auth',
      message: `${where} refused the login (${reason})`,
      hint:
        'Load your key into the agent (`ssh-add`), or set the environment\'s ssh user/identityFile; ' +
        `check that the key is in the remote user's authorized_keys. \`ssh -v ${t.target}\` shows which keys were offered.`,
    };
  }
  if (/Could not resolve hostname|Name or service not known|nodename nor servname/i.test(stderr)) {
    return {
      kind: 'unreachable',
      message: `cannot resolve ${t.target} (${reason})`,
      hint: 'Check the host name in the config or a Host alias in ~/.ssh/config, and your DNS/VPN.',
    };
  }
  if (/Connection refused|timed out|No route to host|Network is unreachable|Connection reset|Connection closed|kex_exchange_identification|Broken pipe/i.test(stderr)) {
    return {
      kind: 'unreachable',
      message: `cannot reach ${where} (${reason})`,
      hint: 'Check that the host is up and sshd listens on that port, and that your network/VPN/bastion reaches it (`ssh -v` shows where it stops).',
    };
  }
  return {
    kind: 'other',
    message: `ssh to ${where} failed with exit 255 (${reason})`,
    hint: `Run \`ssh -v ${t.target}\` to see why. (A remote command that itself exits 255 cannot be told apart from an ssh failure.)`,
  };
}
