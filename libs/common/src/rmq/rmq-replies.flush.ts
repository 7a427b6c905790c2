import { INestMicroservice } from '@nestjs/common';

interface ReplyChannel {
  queueLength?: () => number;
  _unconfirmedMessages?: unknown[];
}

// Nest's RMQ server writes RPC replies through an amqp-connection-manager confirm channel, which rejects
// every reply still queued or not yet confirmed by the broker when it closes. Waiting here (bounded) keeps a
// graceful shutdown from losing the replies of the work it just finished. Neither Nest nor the library
// exposes the unconfirmed count publicly, hence the casts.
export async function waitForRepliesFlushed(microservice: INestMicroservice, timeoutMs = 2000): Promise<void> {
  const channel = (microservice as unknown as { serverInstance?: { channel?: ReplyChannel } }).serverInstance?.channel;
  const pending = () => (channel?.queueLength?.() ?? 0) + (channel?._unconfirmedMessages?.length ?? 0);
  const deadline = Date.now() + timeoutMs;
  // Nest publishes a reply on process.nextTick after the handler's stream completes: let those run first.
  await new Promise((resolve) => setImmediate(resolve));
  while (pending() > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
