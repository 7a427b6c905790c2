import { useEffect, useRef, useState } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { api } from '../api';
import { Empty, ErrorNote, Loading, useLoad } from '../ui';

interface SalesDay {
  sale_date: string;
  total_revenue: string | number;
  order_count: string | number;
}

const PRESETS = [7, 30, 90, 366];

function SalesChart({ days, range }: { days: SalesDay[]; range: number }) {
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!host.current) return;
    // Every day of the window, oldest first; a day without a row had no sales.
    const byDay = new Map(days.map((day) => [day.sale_date, day]));
    const today = Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate());
    const window = Array.from({ length: range }, (_, index) => new Date(today - (range - 1 - index) * 86_400_000).toISOString().slice(0, 10));
    const data: uPlot.AlignedData = [
      window.map((day) => Date.parse(`${day}T00:00:00Z`) / 1000),
      window.map((day) => Number(byDay.get(day)?.total_revenue ?? 0)),
      window.map((day) => Number(byDay.get(day)?.order_count ?? 0)),
    ];
    const chart = new uPlot(
      {
        width: Math.min(host.current.clientWidth || 800, 1100),
        height: 260,
        series: [{}, { label: 'Revenue', stroke: '#1d4ed8', scale: 'revenue' }, { label: 'Orders', stroke: '#b45309', scale: 'orders' }],
        axes: [{}, { scale: 'revenue', label: 'Revenue' }, { scale: 'orders', side: 1, label: 'Orders', grid: { show: false } }],
      },
      data,
      host.current,
    );
    return () => chart.destroy();
  }, [days, range]);
  return <div class="chart" ref={host} role="img" aria-label={`Daily revenue and order count for the last ${range} days`} />;
}

export function SalesView() {
  const [range, setRange] = useState(30);
  const sales = useLoad(() => api<{ data: SalesDay[] }>(`/dashboard/sales?days=${range}`), [range]);
  const [refreshed, setRefreshed] = useState<{ refreshed_at: string; duration_ms: number }>();
  const [refreshError, setRefreshError] = useState<unknown>();
  const [refreshing, setRefreshing] = useState(false);

  const refresh = () => {
    setRefreshing(true);
    setRefreshError(undefined);
    api<{ refreshed_at: string; duration_ms: number }>('/admin/refresh', { method: 'POST', body: '{}' })
      .then((result) => {
        setRefreshed(result);
        sales.reload();
      })
      .catch(setRefreshError)
      .finally(() => setRefreshing(false));
  };

  const days = sales.data?.data ?? [];
  return (
    <section aria-labelledby="sales-title">
      <h1 id="sales-title">Sales</h1>
      <div class="toolbar">
        <div role="group" aria-label="Range">
          {PRESETS.map((preset) => (
            <button key={preset} type="button" aria-pressed={range === preset} onClick={() => setRange(preset)}>
              {preset} days
            </button>
          ))}
        </div>
        <button type="button" onClick={refresh} disabled={refreshing}>
          Refresh view
        </button>
      </div>
      <p class="status" aria-live="polite">
        {refreshed ? `View refreshed at ${refreshed.refreshed_at} in ${refreshed.duration_ms} ms` : ' '}
      </p>
      <ErrorNote error={refreshError} />
      <ErrorNote error={sales.error} />
      <Loading when={sales.loading} />
      {days.length === 0 && !sales.loading ? <Empty>No sales in the last {range} days.</Empty> : null}
      <div class="split">
        <SalesChart days={days} range={range} />
        <table>
          <caption>Daily sales, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Day</th>
              <th scope="col">Revenue</th>
              <th scope="col">Orders</th>
            </tr>
          </thead>
          <tbody>
            {days.map((day) => (
              <tr key={day.sale_date}>
                <td>{day.sale_date}</td>
                <td>{Number(day.total_revenue).toFixed(2)}</td>
                <td>{day.order_count}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
