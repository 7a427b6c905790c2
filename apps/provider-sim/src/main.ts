// First: tracing must patch modules before anything below loads them.
import './tracing.bootstrap';
import { bootstrapService, PinoLoggerService, runApp } from '@app/common';
import { loadProviderSimConfig } from './config/provider-sim.config';
import { ProviderSimModule } from './provider-sim.module';

runApp('provider-sim', async () => {
  const config = loadProviderSimConfig();
  const app = await bootstrapService({
    name: 'provider-sim',
    module: ProviderSimModule.forRoot(config),
    port: config.PROVIDER_SIM_PORT,
    host: config.PROVIDER_SIM_HOST,
    shutdownGraceMs: 5000,
  });
  const feed = config.feed.mode === 'generated' ? `generated (${config.feed.plans} plans)` : config.feed.mode;
  const fault = config.fault ? `, fault ${config.fault.mode}` : '';
  app
    .get(PinoLoggerService)
    .warn(
      `provider simulator (a development and test tool, unauthenticated admin routes) on ${config.PROVIDER_SIM_HOST}: feed ${feed}, validators ${config.validators}${fault}`,
    );
});
