import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, Tooltip } from 'chart.js';
import { useEffect, useRef } from 'react';
import type { Decision } from '../../../shared/host-api/index.js';
import { decisionLabel } from '../../components/decision-label.js';
import { bucketsSummary, DECISIONS, type MinuteBucket } from './live-calls.js';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Legend, Tooltip);

/** The badge colours of styles.css; the legend and the text summary carry the words. */
const COLOUR_VAR: Record<Decision, string> = { ALLOW: '--green', HOLD: '--amber', DENY: '--red', SILENCE: '--muted' };

function cssVar(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || '#888';
}

const minuteLabel = (start: number): string => new Date(start).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });

function chartData(buckets: readonly MinuteBucket[]) {
  return {
    labels: buckets.map((b) => minuteLabel(b.start)),
    datasets: DECISIONS.map((d) => ({ label: decisionLabel(d), data: buckets.map((b) => b.counts[d]), backgroundColor: cssVar(COLOUR_VAR[d]), stack: 'calls' })),
  };
}

/** Calls per minute by decision as stacked bars, with the same numbers in words beside it. */
export function CallsChart({ buckets }: { buckets: readonly MinuteBucket[] }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const chart = useRef<Chart<'bar'> | null>(null);
  const summary = bucketsSummary(buckets);

  useEffect(() => {
    const element = canvas.current;
    // No 2D context (jsdom, or a GPU-less window): the text summary stands alone.
    const context = element?.getContext('2d');
    if (!element || !context) return;
    const muted = cssVar('--muted');
    chart.current = new Chart(context, {
      type: 'bar',
      data: { labels: [], datasets: [] },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        scales: {
          x: { stacked: true, ticks: { color: muted, maxRotation: 0, autoSkipPadding: 12 }, grid: { display: false } },
          y: { stacked: true, beginAtZero: true, ticks: { color: muted, precision: 0 } },
        },
        plugins: { legend: { position: 'bottom', labels: { color: muted, boxWidth: 12 } } },
      },
    });
    return () => {
      chart.current?.destroy();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    const current = chart.current;
    if (!current) return;
    const data = chartData(buckets);
    current.data.labels = data.labels;
    current.data.datasets = data.datasets;
    current.update('none');
  }, [buckets]);

  const busy = buckets.filter((b) => DECISIONS.some((d) => b.counts[d] > 0));
  return (
    <figure className="calls-chart">
      <div className="calls-chart-canvas">
        <canvas ref={canvas} role="img" aria-label={`Calls per minute by decision. ${summary}`} />
      </div>
      <figcaption className="muted">{summary}</figcaption>
      <table className="visually-hidden">
        <caption>Calls per minute by decision, minutes with calls only</caption>
        <thead>
          <tr>
            <th scope="col">Minute</th>
            {DECISIONS.map((d) => (
              <th key={d} scope="col">
                {decisionLabel(d)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {busy.map((b) => (
            <tr key={b.start}>
              <th scope="row">{minuteLabel(b.start)}</th>
              {DECISIONS.map((d) => (
                <td key={d}>{b.counts[d]}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
