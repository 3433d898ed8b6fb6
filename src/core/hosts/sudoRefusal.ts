// sudo's own refusals ("a password is required", "not allowed to execute"), told apart from other
// failures, so a host whose `deploy` user lacks the sudo rule is named as such, with the rule.
export const SUDO_RULE_HINT = 'give the ssh user the sudo rule of docs/hosts.md ("The ssh user\'s rights": /etc/sudoers.d/bluegreen-deploy, and the groups adm and bluegreen), then run the command again';

// sudo 1.9 says "Sorry, user deploy is not allowed to execute '…' as root on lb1." without its
// `sudo:` prefix when the user has a rule, but not for this command.
const SUDO_REFUSED = /sudo: (a password is required|a terminal is required|.*is not allowed to|.*is not in the sudoers file|sorry, you must have a tty)|^Sorry, user \S+ is not allowed to execute/i;

/** The line in which sudo refused, if it did. */
export function sudoRefusal(output: string): string | undefined {
  return output.split('\n').find((line) => SUDO_REFUSED.test(line))?.trim();
}

/** `host: sudo refused (…)` — or undefined when the output shows no sudo refusal. */
export function describeSudoRefusal(host: string, output: string): string | undefined {
  const line = sudoRefusal(output);
  return line ? `${host}: the ssh user may not run commands with sudo without a password (${line})` : undefined;
}

/** A failed host's detail: sudo's refusal with the rule to add, or `fallback`. */
export function sudoAwareDetail(host: string, output: string, fallback: string): string {
  const sudo = describeSudoRefusal(host, output);
  return sudo ? `${sudo}; ${SUDO_RULE_HINT}` : fallback;
}
