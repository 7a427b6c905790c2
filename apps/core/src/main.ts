// First: tracing must patch modules before anything below loads them.
import './tracing.bootstrap';
import { bootstrapService, runApp } from '@app/common';
import { QUEUES } from '@app/contracts';
import { loadCoreConfig } from './config/core.config';
import { CoreModule } from './core.module';

runApp('core', async () => {
  const config = loadCoreConfig();
  await bootstrapService({
    name: 'core',
    module: CoreModule.forRoot(config),
    port: config.CORE_PORT,
    shutdownGraceMs: config.SHUTDOWN_GRACE_MS,
    consumer: { rabbitmqUrl: config.RABBITMQ_URL, queue: QUEUES.coreRpc, prefetch: config.RMQ_PREFETCH },
  });
});
