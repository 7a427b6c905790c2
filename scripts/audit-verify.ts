import { DataSource } from 'typeorm';
import { baseEnvSchema, parseEnv, runApp } from '@app/common';
import { AuditRepository, dataSourceOptions } from '@app/persistence';

// `npm run audit:verify`: checks every sealed link of the audit log's hash chains and names the first broken one.
// Exit code 0: intact; 1: broken (or sealed events missing). Unsealed events (written since the last maintenance
// tick) are counted, not checked: the sealer has not chained them yet.
runApp('audit-verify', async () => {
  const { DATABASE_URL } = parseEnv(baseEnvSchema);
  const dataSource = await new DataSource(dataSourceOptions(DATABASE_URL, 'audit-verify')).initialize();
  try {
    const result = await new AuditRepository(dataSource).verify();
    const summary = `${result.sealed} sealed events checked, ${result.unsealed} not sealed yet`;
    if (result.firstBroken) {
      const link = result.firstBroken;
      process.stdout.write(
        `BROKEN: first broken link on ${link.day} at position ${link.position} (event seq ${link.eventSeq ?? '?'}, id ${link.eventId ?? 'missing'}): ${link.reason}; ${summary}\n`,
      );
      process.exitCode = 1;
    } else if (result.orphaned > 0) {
      process.stdout.write(`BROKEN: ${result.orphaned} events the sealer has passed have no link (a removed link or a row added by hand); ${summary}\n`);
      process.exitCode = 1;
    } else {
      process.stdout.write(`OK: ${summary}\n`);
    }
  } finally {
    await dataSource.destroy();
  }
});
