// The rows of one advisory lock in pg_locks, in this database only: pg_locks shows the whole cluster, where other
// jest workers and slots take the same keys in their own databases. A bigint key is split into classid (high 32
// bits) and objid (low 32 bits).
export function advisoryLockFilter(key: string | number | bigint): string {
  const big = BigInt(key);
  return `locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database()) AND classid = ${big >> 32n} AND objid = ${big & 0xffffffffn} AND objsubid = 1`;
}
