import { ProviderSimClient } from '../../apps/provider-sim/src/admin/provider-sim.client';
import { ApiClient } from './api-client';
import { AppName, AppProcess, startApp } from './app-process';
import { testPort } from './test-env';

export interface Platform {
  apps: Partial<Record<AppName, AppProcess>>;
  api: ApiClient;
  sim?: ProviderSimClient; // when provider-sim was booted: its admin API
  stop(): Promise<void>;
}

const OFFSETS: Record<AppName, number> = { gateway: 0, core: 1, indexer: 2, scheduler: 3, 'provider-sim': 4 };

// The simulator goes before the scheduler, which fetches the feed as soon as it starts.
function bootOrder(names: AppName[]): AppName[] {
  const ordered: AppName[] = names.filter((name) => name !== 'provider-sim');
  if (!names.includes('provider-sim')) return ordered;
  const scheduler = ordered.indexOf('scheduler');
  ordered.splice(scheduler === -1 ? ordered.length : scheduler, 0, 'provider-sim');
  return ordered;
}

// Boots the apps in the order given (core first: it migrates and creates the admin), each on basePort + offset.
// The scheduler's PROVIDER_URL is this platform's simulator port whether or not it runs, so it never reaches
// another slot's simulator or the developer's on 3004.
export async function startPlatform(
  basePort: number,
  names: AppName[] = ['core', 'gateway'],
  env: Partial<Record<AppName, Record<string, string>>> = {},
): Promise<Platform> {
  const simUrl = `http://127.0.0.1:${testPort(basePort + OFFSETS['provider-sim'])}`;
  const defaults: Partial<Record<AppName, Record<string, string>>> = { scheduler: { PROVIDER_URL: `${simUrl}/feed` } };
  const apps: Partial<Record<AppName, AppProcess>> = {};
  for (const name of bootOrder(names)) apps[name] = await startApp(name, basePort + OFFSETS[name], { ...defaults[name], ...env[name] });
  return {
    apps,
    api: new ApiClient(apps.gateway?.url ?? `http://127.0.0.1:${basePort}`),
    ...(apps['provider-sim'] ? { sim: new ProviderSimClient(apps['provider-sim'].url) } : {}),
    stop: async () => {
      await Promise.all(Object.values(apps).map((app) => app.stop()));
    },
  };
}
