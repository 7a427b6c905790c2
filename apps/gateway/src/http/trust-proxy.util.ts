import { isIP } from 'node:net';

// What Fastify is told to trust in X-Forwarded-For: nothing, the nearest N hops, or the listed proxies. Never
// "everything": the left-most entry is written by the client, so trusting every hop lets it pick its own IP.
export type TrustProxy = false | number | string[];

// proxy-addr's names for whole address ranges (127.0.0.0/8 and ::1; 169.254/16 and fe80::/10; private ranges).
const RANGE_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

export const TRUST_PROXY_HELP = 'must be false, a hop count (1 = the ingress in front of the gateway) or a comma-separated list of proxy addresses/CIDRs';

// Parses TRUST_PROXY; returns a problem (for the boot message) instead of a value when it is not acceptable.
export function parseTrustProxy(raw: string): { value: TrustProxy } | { problem: string } {
  const text = raw.trim();
  if (text === 'false' || text === '0') return { value: false };
  if (text === 'true') {
    return { problem: `"true" would trust every hop, so any client could choose its IP with X-Forwarded-For; ${TRUST_PROXY_HELP}` };
  }
  if (/^\d+$/.test(text)) {
    const hops = Number(text);
    return hops <= 16 ? { value: hops } : { problem: `${hops} hops is not a plausible proxy chain; ${TRUST_PROXY_HELP}` };
  }
  const entries = text.split(',').map((entry) => entry.trim());
  const bad = entries.filter((entry) => !isTrustedProxyEntry(entry));
  if (entries.length === 0 || bad.length > 0) return { problem: `${bad.map((entry) => JSON.stringify(entry)).join(', ')} not an address or CIDR; ${TRUST_PROXY_HELP}` };
  return { value: entries };
}

function isTrustedProxyEntry(entry: string): boolean {
  if (RANGE_NAMES.has(entry)) return true;
  const [address, prefix, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  if (!/^\d{1,3}$/.test(prefix)) return false;
  const bits = Number(prefix);
  // A /0 is every address: "trust everything" again.
  return bits >= 1 && bits <= (family === 4 ? 32 : 128);
}
