import { bootstrapService, runApp } from '@app/common';
import { loadProviderSimConfig } from './config/provider-sim.config';
import { ProviderSimModule } from './provider-sim.module';

runApp('provider-sim', async () => {
  const config = loadProviderSimConfig();
  await bootstrapService({ name: 'provider-sim', module: ProviderSimModule.forRoot(config), port: config.PROVIDER_SIM_PORT, shutdownGraceMs: 5000 });
});
