export * from './plan-search.port';
export * from './postgres/postgres-plan-search';
export * from './search.providers';
