// First: tracing must patch modules before anything below loads them.
import './tracing.bootstrap';
import { bootstrapService, runApp } from '@app/common';
import { QUEUES } from '@app/contracts';
import { loadIndexerConfig } from './config/indexer.config';
import { IndexerModule } from './indexer.module';

runApp('indexer', async () => {
  const config = loadIndexerConfig();
  await bootstrapService({
    name: 'indexer',
    module: IndexerModule.forRoot(config),
    port: config.INDEXER_PORT,
    shutdownGraceMs: config.SHUTDOWN_GRACE_MS,
    consumer: { rabbitmqUrl: config.RABBITMQ_URL, queue: QUEUES.indexerEvents, prefetch: config.RMQ_PREFETCH },
  });
});
