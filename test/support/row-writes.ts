import { DataSource, EntityManager } from 'typeorm';

// Rows inserted or updated in `table` while `work` runs in one transaction, as Postgres counts them
// (pg_stat_user_tables). Everything runs on one connection, whose pending statistics are flushed before each
// reading (pg_stat_force_next_flush, Postgres 15+), so the difference is exactly this transaction's writes.
export async function countRowWrites<T>(dataSource: DataSource, table: string, work: (tx: EntityManager) => Promise<T>): Promise<{ result: T; writes: number }> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  const read = async () => {
    await runner.query('SELECT pg_stat_force_next_flush()');
    const rows = (await runner.query(`SELECT (n_tup_ins + n_tup_upd)::int AS writes FROM pg_stat_user_tables WHERE relname = $1`, [table])) as Array<{ writes: number }>;
    return rows[0].writes;
  };
  try {
    const before = await read();
    await runner.startTransaction();
    let result: T;
    try {
      result = await work(runner.manager);
      await runner.commitTransaction();
    } catch (error) {
      await runner.rollbackTransaction();
      throw error;
    }
    return { result, writes: (await read()) - before };
  } finally {
    await runner.release();
  }
}
