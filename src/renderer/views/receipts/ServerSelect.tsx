/** A labelled server filter; `servers` may be empty when the list could not load ("All servers" still works). */
export function ServerSelect({ label, servers, value, onChange }: { label: string; servers: readonly string[]; value: string; onChange: (server: string) => void }) {
  const options = [...new Set([...servers, ...(value !== '' ? [value] : [])])].sort();
  return (
    <label>
      {label}{' '}
      <select value={value} onChange={(e) => onChange(e.target.value)}>
        <option value="">All servers</option>
        {options.map((s) => (
          <option key={s} value={s}>
            {s}
          </option>
        ))}
      </select>
    </label>
  );
}
