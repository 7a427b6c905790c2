import Fastify from 'fastify';
import { loadGatewayConfig } from '../config/gateway.config';
import { ConfigValidationError } from '@app/common';
import { parseTrustProxy, TrustProxy } from './trust-proxy.util';

// The resolver is Fastify's own (request.ip with the parsed trustProxy); these run it as the gateway configures it.
async function clientIp(trustProxy: TrustProxy, remoteAddress: string, forwardedFor?: string): Promise<string> {
  const sut = Fastify({ trustProxy });
  sut.get('/ip', (request) => ({ ip: request.ip }));
  const response = await sut.inject({ method: 'GET', url: '/ip', remoteAddress, headers: forwardedFor ? { 'x-forwarded-for': forwardedFor } : {} });
  await sut.close();
  return response.json<{ ip: string }>().ip;
}

describe('parseTrustProxy', () => {
  it.each([
    ['false', false],
    ['0', false],
    ['1', 1],
    [' 2 ', 2],
    ['10.0.0.0/8', ['10.0.0.0/8']],
    ['10.0.0.0/8, 192.168.1.7,fd00::/8', ['10.0.0.0/8', '192.168.1.7', 'fd00::/8']],
    ['loopback,uniquelocal', ['loopback', 'uniquelocal']],
  ])('should read %j as %j', (raw, value) => {
    expect(parseTrustProxy(raw)).toEqual({ value });
  });

  it.each(['true', 'yes', '10.0.0.0/33', '0.0.0.0/0', '::/0', '10.0.0.0/8,', 'ingress-nginx', '17', '10.0.0.1/8/2'])(
    'should refuse %j with the accepted forms named',
    (raw) => {
      expect(parseTrustProxy(raw)).toEqual({ problem: expect.stringContaining('must be false, a hop count') });
    },
  );

  it('should stop the gateway at boot naming TRUST_PROXY when it is true', () => {
    expect(() => loadGatewayConfig({ TRUST_PROXY: 'true' })).toThrow(ConfigValidationError);
    expect(() => loadGatewayConfig({ TRUST_PROXY: 'true' })).toThrow(/TRUST_PROXY: "true" would trust every hop/);
  });

  it('should trust nothing when TRUST_PROXY is not set', () => {
    expect(loadGatewayConfig({}).TRUST_PROXY).toBe(false);
  });
});

describe('client IP with the parsed TRUST_PROXY', () => {
  const spoofed = '203.0.113.9, 198.51.100.7';

  it('should be the socket peer whatever X-Forwarded-For says when nothing is trusted', async () => {
    expect(await clientIp(false, '10.1.2.3', spoofed)).toBe('10.1.2.3');
  });

  it('should be the right-most entry, not the client-written left-most, when one hop (the ingress) is trusted', async () => {
    expect(await clientIp(1, '10.1.2.3', spoofed)).toBe('198.51.100.7');
  });

  it('should be the first untrusted address from the right when proxies are listed', async () => {
    const trusted = parseTrustProxy('10.0.0.0/8,192.168.5.5') as { value: TrustProxy };

    expect(await clientIp(trusted.value, '10.1.2.3', '203.0.113.9, 198.51.100.7, 192.168.5.5')).toBe('198.51.100.7');
    expect(await clientIp(trusted.value, '10.1.2.3', '198.51.100.7')).toBe('198.51.100.7');
  });

  it('should ignore X-Forwarded-For when the peer is not a listed proxy', async () => {
    const trusted = parseTrustProxy('10.0.0.0/8') as { value: TrustProxy };

    expect(await clientIp(trusted.value, '198.51.100.50', spoofed)).toBe('198.51.100.50');
  });
});
