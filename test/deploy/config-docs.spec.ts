// The README's Configuration table and .env.example list exactly the variables the apps' config schemas read;
// .env.example's compose section lists exactly what docker-compose.yml requires.
import { APPS } from './support/app-facts.util';
import { interpolations } from './support/compose-rules.util';
import { readRepoFile } from './support/manifests.util';

const schemaVariables = [...new Set(Object.values(APPS).flatMap((app) => [...app.variables]))].sort();

// Backticked names in the first column of the table under "## Configuration".
export function readmeVariables(readme: string): string[] {
  const section = readme.split(/^## Configuration$/m)[1]?.split(/^## /m)[0] ?? '';
  const names = section
    .split('\n')
    .filter((line) => line.startsWith('| `'))
    .flatMap((line) => [...line.split('|')[1].matchAll(/`([A-Z][A-Z0-9_]*)`/g)].map((match) => match[1]));
  return [...new Set(names)].sort();
}

const COMPOSE_MARKER = /^# --- docker compose only/m;

// `NAME=` and `# NAME=` lines (commented ones document variables without a default), before the compose section.
export function envExampleVariables(text: string): { app: string[]; compose: string[] } {
  const names = (part: string) => [...new Set([...part.matchAll(/^#? ?([A-Z][A-Z0-9_]*)=/gm)].map((match) => match[1]))].sort();
  const [app, compose = ''] = text.split(COMPOSE_MARKER);
  return { app: names(app), compose: names(compose) };
}

describe('configuration docs', () => {
  const readme = readRepoFile('README.md');
  const example = readRepoFile('.env.example');

  it('should list exactly the variables the config schemas read when reading the README table', () => {
    expect(readmeVariables(readme)).toEqual(schemaVariables);
  });

  it('should list exactly the variables the config schemas read when reading .env.example', () => {
    expect(envExampleVariables(example).app).toEqual(schemaVariables);
  });

  it('should list exactly the variables docker-compose.yml requires in the compose section of .env.example', () => {
    const required = [
      ...new Set(
        interpolations(readRepoFile('docker-compose.yml'))
          .filter(({ required }) => required)
          .map(({ name }) => name),
      ),
    ].sort();

    expect(envExampleVariables(example).compose).toEqual(required);
  });

  it('should fail when a README row, a schema variable or an .env.example line drifts', () => {
    const droppedRow = readme.replace(/^\| `OUTBOX_POLL_MS` .*\n/m, '');
    const extraRow = readme.replace(/^(\| `PORT` .*\n)/m, '$1| `GATEWAY_PORT` | `3000` | gateway | stale |\n');
    const droppedLine = example.replace(/^PROVIDER_BATCH_SIZE=.*\n/m, '');

    expect(readmeVariables(droppedRow)).not.toEqual(schemaVariables);
    expect(readmeVariables(extraRow)).toContain('GATEWAY_PORT');
    expect(readmeVariables(extraRow)).not.toEqual(schemaVariables);
    expect(envExampleVariables(droppedLine).app).not.toEqual(schemaVariables);
    expect(envExampleVariables(`${example.split(COMPOSE_MARKER)[0]}# --- docker compose only ---\n# POSTGRES_PASSWORD=\n`).compose).toEqual(['POSTGRES_PASSWORD']);
  });
});
