import { DataSource } from 'typeorm';
import { dataSourceOptions } from './data-source.options';

// For the TypeORM CLI only (migration:generate / migration:show); apps build their own connection.
export default new DataSource(dataSourceOptions(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/plans_platform', 'typeorm-cli'));
