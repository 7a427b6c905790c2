// The README's metrics table against every app's live /metrics: no metric without a row, no row without a metric,
// and the type the row says.
import { Platform, startPlatform } from '../support/platform';
import { scrape } from '../support/prometheus';
import { APP_NAMES, exposedFamilies, MetricFamily, readmeMetricRows } from '../ops/support/metrics-table.util';

describe('README metrics table (e2e)', () => {
  let platform: Platform;
  const live = new Map<string, MetricFamily[]>();

  beforeAll(async () => {
    platform = await startPlatform(3610, [...APP_NAMES]);
    for (const name of APP_NAMES) live.set(name, exposedFamilies(await scrape(platform.apps[name]!.url)));
  }, 120_000);
  afterAll(() => platform?.stop());

  it.each(APP_NAMES)('should list exactly the metrics %s exports, with their types', (app) => {
    const rows = readmeMetricRows().filter((row) => row.apps.includes(app));
    const exported = live.get(app)!;

    expect(exported.length).toBeGreaterThan(30);
    const missingRows = exported.filter(({ name }) => !rows.some((row) => row.name === name)).map(({ name }) => name);
    const rowsWithoutMetric = rows.filter(({ name }) => !exported.some((family) => family.name === name)).map(({ name }) => name);
    expect({ missingRows, rowsWithoutMetric }).toEqual({ missingRows: [], rowsWithoutMetric: [] });
    for (const family of exported) expect(`${family.name} ${rows.find((row) => row.name === family.name)!.type}`).toBe(`${family.name} ${family.type}`);
  });

  it('should have one row per metric and name only known apps', () => {
    const rows = readmeMetricRows();

    expect(new Set(rows.map(({ name }) => name)).size).toBe(rows.length);
    expect(rows.flatMap(({ apps }) => apps).filter((app) => !(APP_NAMES as readonly string[]).includes(app))).toEqual([]);
  });
});
