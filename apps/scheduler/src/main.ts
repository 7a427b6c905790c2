// First: tracing must patch modules before anything below loads them.
import './tracing.bootstrap';
import { bootstrapService, runApp } from '@app/common';
import { QUEUES } from '@app/contracts';
import { loadSchedulerConfig } from './config/scheduler.config';
import { SchedulerModule } from './scheduler.module';

runApp('scheduler', async () => {
  const config = loadSchedulerConfig();
  await bootstrapService({
    name: 'scheduler',
    module: SchedulerModule.forRoot(config),
    port: config.SCHEDULER_PORT,
    shutdownGraceMs: config.SHUTDOWN_GRACE_MS,
    consumer: { rabbitmqUrl: config.RABBITMQ_URL, queue: QUEUES.schedulerRpc, prefetch: config.RMQ_PREFETCH },
  });
});
