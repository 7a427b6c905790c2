import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { createFastifyAdapter } from '@app/common';
import { ProviderSimClient } from '../../apps/provider-sim/src/admin/provider-sim.client';
import { loadProviderSimConfig } from '../../apps/provider-sim/src/config/provider-sim.config';
import { SimClock } from '../../apps/provider-sim/src/feed/feed-source.service';
import { ProviderSimModule } from '../../apps/provider-sim/src/provider-sim.module';
import { AppProcess, startApp } from './app-process';
import { testPort } from './test-env';

export { ProviderSimClient };
export type { FaultSpec, FaultView, FeedSettingInput, FeedStatsView, FeedView } from '../../apps/provider-sim/src/admin/provider-sim.client';

export interface RunningProviderSim {
  url: string; // base URL; the feed is `${url}/feed` (sim.feedUrl)
  sim: ProviderSimClient;
  stop(): Promise<void>;
}

// The built simulator as its own process (e2e, next to the other apps; `npm run build` first). `port` is before
// the slot's offset. startPlatform(..., ['provider-sim', ...]) does the same and exposes platform.sim.
export async function startProviderSim(port: number, env: Record<string, string> = {}): Promise<RunningProviderSim & { process: AppProcess }> {
  const app = await startApp('provider-sim', port, env);
  return {
    url: app.url,
    sim: new ProviderSimClient(app.url),
    process: app,
    stop: async () => {
      await app.stop();
    },
  };
}

// The simulator inside this process (Nest testing module) on a real port of the slot, for int specs: hang and
// truncated need a real socket. `env` is read like the simulator's environment; `clock` drives Last-Modified.
export async function bootProviderSim(port: number, env: Record<string, string> = {}, clock?: SimClock): Promise<RunningProviderSim & { app: NestFastifyApplication }> {
  const config = loadProviderSimConfig({ LOG_LEVEL: 'silent', ...env });
  const moduleRef = await Test.createTestingModule({ imports: [ProviderSimModule.forRoot(config, clock)] }).compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(createFastifyAdapter(), { logger: false });
  const actualPort = testPort(port);
  await app.listen(actualPort, '127.0.0.1');
  const url = `http://127.0.0.1:${actualPort}`;
  return { url, sim: new ProviderSimClient(url), app, stop: () => app.close() };
}
