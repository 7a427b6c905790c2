import { stopWorkerRedises } from './worker-redis';

// What global setup started for the run: the redis-servers of workers 2 and 3. Databases and vhosts stay for a look
// after a failure; the next run recreates them.
export default async function globalTeardown(): Promise<void> {
  await stopWorkerRedises();
}
