import type { VariableRow } from './add-server-draft.js';

let nextRowId = 1;

/** Name and value inputs, one row per variable; secret values are typed into password inputs and never shown. */
export function VariableRows({
  legend,
  hint,
  secret,
  rows,
  onChange,
}: {
  legend: string;
  hint: string;
  secret: boolean;
  rows: readonly VariableRow[];
  onChange: (rows: VariableRow[]) => void;
}) {
  const kind = secret ? 'secret variable' : 'environment variable';
  const update = (id: number, change: Partial<VariableRow>) => onChange(rows.map((row) => (row.id === id ? { ...row, ...change } : row)));
  return (
    <fieldset className="variable-rows">
      <legend>{legend}</legend>
      <p className="muted field-hint">{hint}</p>
      {rows.map((row, i) => (
        <div className="variable-row" key={row.id}>
          <input
            type="text"
            className="mono"
            aria-label={`Name of ${kind} ${i + 1}`}
            placeholder="NAME"
            spellCheck={false}
            autoComplete="off"
            value={row.name}
            onChange={(e) => update(row.id, { name: e.target.value })}
          />
          <input
            type={secret ? 'password' : 'text'}
            className="mono"
            aria-label={`Value of ${kind} ${i + 1}`}
            placeholder="value"
            spellCheck={false}
            autoComplete={secret ? 'new-password' : 'off'}
            value={row.value}
            onChange={(e) => update(row.id, { value: e.target.value })}
          />
          <button type="button" aria-label={`Remove ${kind} ${i + 1}`} onClick={() => onChange(rows.filter((r) => r.id !== row.id))}>
            Remove
          </button>
        </div>
      ))}
      <button type="button" onClick={() => onChange([...rows, { id: nextRowId++, name: '', value: '' }])}>
        Add {kind}
      </button>
    </fieldset>
  );
}
