// The entry apps import first (as @app/common/tracing), apart from @app/common so that loading it loads nothing else.
export { startTracing } from './start-tracing';
