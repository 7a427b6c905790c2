import type { Channel, ConsumeMessage } from 'amqplib';

export interface TrackedDelivery {
  readonly message: ConsumeMessage;
  settled: 'ack' | 'reject' | null;
}

// Settles one channel's deliveries in delivery order, with as few frames as it can: when the oldest unsettled
// deliveries are done, one `ack(multiple)` on the newest acked of them covers them all (a rejected one was
// already nacked on its own, and a multiple ack never touches a settled delivery). Batches finish out of order;
// acks never do. Acking on a channel that has closed is skipped: the broker redelivers those, and storing an
// order twice is a no-op.
export class OrderedAcks {
  private readonly queue: TrackedDelivery[] = [];
  private head = 0;

  constructor(private readonly channel: Channel) {}

  track(message: ConsumeMessage): TrackedDelivery {
    const delivery: TrackedDelivery = { message, settled: null };
    this.queue.push(delivery);
    return delivery;
  }

  ack(delivery: TrackedDelivery): void {
    this.ackAll([delivery]);
  }

  // A stored batch: all marked first, so the oldest-first walk sends one frame for the lot.
  ackAll(deliveries: TrackedDelivery[]): void {
    for (const delivery of deliveries) delivery.settled = 'ack';
    this.advance();
  }

  // Dead-letters this delivery now (nack without requeue), and lets the ones after it be acked.
  reject(delivery: TrackedDelivery): void {
    delivery.settled = 'reject';
    this.safely(() => this.channel.nack(delivery.message, false, false));
    this.advance();
  }

  get unsettled(): number {
    return this.queue.length - this.head;
  }

  private advance(): void {
    let newestAck: TrackedDelivery | undefined;
    while (this.head < this.queue.length && this.queue[this.head].settled) {
      const delivery = this.queue[this.head++];
      if (delivery.settled === 'ack') newestAck = delivery;
    }
    if (newestAck) this.safely(() => this.channel.ack(newestAck.message, true));
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue.splice(0, this.head);
      this.head = 0;
    }
  }

  private safely(settle: () => void): void {
    try {
      settle();
    } catch {
      // The channel closed (amqplib throws IllegalOperationError): the broker requeues what it had delivered.
    }
  }
}
