import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

// Runs against the build (the int tier runs after `npm run build`), in a process of its own so the module graph is
// the one an app gets.
const BUILT_SEARCH = join(__dirname, '..', '..', '..', 'dist', 'libs', 'search', 'src', 'index.js');

function loadedPackages(elasticsearchUrl?: string): string[] {
  const script = `
    const { SearchModule } = require(${JSON.stringify(BUILT_SEARCH)});
    const module = SearchModule.forRoot({ elasticsearchUrl: process.argv[1] || undefined, writer: true });
    for (const provider of module.providers) provider.useFactory();
    const packages = Object.keys(require.cache).map((file) => /node_modules\\/((@[^/]+\\/)?[^/]+)/.exec(file)?.[1]).filter(Boolean);
    console.log(JSON.stringify([...new Set(packages)]));`;
  return JSON.parse(execFileSync(process.execPath, ['-e', script, elasticsearchUrl ?? ''], { encoding: 'utf8' })) as string[];
}

describe('search backends (module graph)', () => {
  it('should not load the Elasticsearch client when no ELASTICSEARCH_URL is set', () => {
    expect(loadedPackages().filter((name) => name.includes('elastic'))).toEqual([]);
  });

  it('should load it when ELASTICSEARCH_URL is set', () => {
    expect(loadedPackages('http://127.0.0.1:9')).toEqual(expect.arrayContaining(['@nestjs/elasticsearch', '@elastic/elasticsearch']));
  });
});
