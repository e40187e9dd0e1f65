/** An ISO time in the user's locale; the exact instant stays in `dateTime` and the tooltip. */
export function LocalTime({ iso, only }: { iso: string; only?: 'time' }) {
  const date = new Date(iso);
  const text = Number.isNaN(date.getTime()) ? iso : only === 'time' ? date.toLocaleTimeString() : date.toLocaleString();
  return (
    <time dateTime={iso} title={iso}>
      {text}
    </time>
  );
}
