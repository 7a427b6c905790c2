import { ApiClient } from './api-client';
import { AppName, AppProcess, startApp } from './app-process';

export interface Platform {
  apps: Partial<Record<AppName, AppProcess>>;
  api: ApiClient;
  stop(): Promise<void>;
}

// Boots core first (it migrates and creates the admin), then the others, each on basePort + offset.
export async function startPlatform(
  basePort: number,
  names: AppName[] = ['core', 'gateway'],
  env: Partial<Record<AppName, Record<string, string>>> = {},
): Promise<Platform> {
  const offsets: Record<AppName, number> = { gateway: 0, core: 1, indexer: 2, scheduler: 3, 'provider-sim': 4 };
  const apps: Partial<Record<AppName, AppProcess>> = {};
  for (const name of names) apps[name] = await startApp(name, basePort + offsets[name], env[name]);
  return {
    apps,
    api: new ApiClient(apps.gateway?.url ?? `http://127.0.0.1:${basePort}`),
    stop: async () => {
      await Promise.all(Object.values(apps).map((app) => app.stop()));
    },
  };
}
