import type { IncomingMessage } from 'node:http';

// How much of an oversized body the gateway reads (and drops) before it answers 413, and for how long.
export const OVERSIZED_DRAIN = { maxBytes: 16 * 1024 * 1024, maxMs: 5000 };

// Closing a socket while the client is still sending makes the kernel answer its next bytes with a reset, and the
// client sees EPIPE/ECONNRESET instead of its 413. So the rest of the body is read and dropped first, up to a
// bound; once the client has sent it all (or the bound is reached), `then` answers and the connection can close.
export function drainThen(raw: IncomingMessage, then: () => void, bound = OVERSIZED_DRAIN): void {
  if (raw.complete || raw.readableEnded || raw.destroyed) return then();
  let drained = 0;
  let finished = false;
  const finish = () => {
    if (finished) return;
    finished = true;
    clearTimeout(timer);
    raw.off('data', onData);
    raw.off('end', finish);
    raw.off('error', finish);
    raw.off('close', finish);
    then();
  };
  const onData = (chunk: Buffer | string) => {
    drained += chunk.length;
    if (drained > bound.maxBytes) finish();
  };
  const timer = setTimeout(finish, bound.maxMs);
  raw.on('data', onData);
  raw.once('end', finish);
  raw.once('error', finish);
  raw.once('close', finish);
  raw.resume();
}
