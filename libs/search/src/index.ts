export * from './plan-search.port';
export * from './postgres/postgres-plan-search';
export * from './search.providers';
export * from './elasticsearch/elasticsearch-plan-search';
export * from './elasticsearch/plan-index.mapping';
