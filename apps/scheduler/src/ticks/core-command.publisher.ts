import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { REQUEST_ID_HEADER, RmqConnection } from '@app/common';
import { QUEUES } from '@app/contracts';

// Commands to core on its queue, in Nest's message shape, confirmed by the broker. No reply is awaited: core
// logs and counts the outcome. A command expires when it is no use any more (the next tick would redo it).
@Injectable()
export class CoreCommandPublisher {
  constructor(private readonly rmq: RmqConnection) {}

  async publish(pattern: string, data: object, options: { messageId: string; expiresInMs: number }): Promise<void> {
    await this.rmq.publish('', QUEUES.coreRpc, Buffer.from(JSON.stringify({ pattern, data })), {
      messageId: options.messageId,
      expiration: String(Math.max(1000, Math.round(options.expiresInMs))),
      headers: { [REQUEST_ID_HEADER]: randomUUID() },
      contentType: 'application/json',
    });
  }
}
