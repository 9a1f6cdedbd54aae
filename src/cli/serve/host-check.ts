/**
 * The Host header check of `bert-ts serve` (DNS rebinding): a page on
 * evil.example can make its own name resolve to 127.0.0.1, and the browser
 * then sends it here with `Host: evil.example:P`. Binding to 127.0.0.1 does not
 * stop that; refusing every Host but our own names does (Jupyter, Vite and
 * webpack-dev-server do the same since their CVEs).
 *
 * Allowed: `localhost`, `127.0.0.1` and `[::1]`, each with the server's port,
 * and any name given with --allow-host (with any port or none: the user opted
 * that name in, e.g. a reverse proxy's). Names compare without case.
 */

/** Is `host` (the Host header) one this server answers on `port`? */
export function hostAllowed(host: string | undefined, port: number, allowHosts: readonly string[] = []): boolean {
  if (host === undefined) return false;
  const m = /^(\[[0-9a-f:.]+\]|[^:[\]]+)(?::(\d+))?$/i.exec(host.trim());
  if (!m) return false;
  const name = m[1].toLowerCase().replace(/\.$/, '');
  if (allowHosts.some((a) => a.toLowerCase().replace(/\.$/, '') === name)) return true;
  return ['localhost', '127.0.0.1', '[::1]'].includes(name) && m[2] !== undefined && Number(m[2]) === port;
}
