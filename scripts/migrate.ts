import { DataSource } from 'typeorm';
import { baseEnvSchema, parseEnv, runApp } from '@app/common';
import { dataSourceOptions, runMigrationsLocked } from '@app/persistence';

// `npm run migrate`: the same locked run core does at start, as a one-shot command.
runApp('migrate', async () => {
  const { DATABASE_URL } = parseEnv(baseEnvSchema);
  const dataSource = await new DataSource(dataSourceOptions(DATABASE_URL, 'migrate')).initialize();
  try {
    const applied = await runMigrationsLocked(dataSource);
    process.stdout.write(applied.length ? `applied: ${applied.join(', ')}\n` : 'schema is up to date\n');
  } finally {
    await dataSource.destroy();
  }
});
