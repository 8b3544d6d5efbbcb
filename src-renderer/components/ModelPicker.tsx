/**
 * Multi-select of model names as a list of checkboxes with a filter (keyboard friendly, no custom
 * listbox). Free text lets you add a name the list does not have, such as a wildcard `gpt-*`.
 */
import { useId, useMemo, useState } from 'react';

export interface ModelPickerProps {
  available: readonly string[];
  selected: readonly string[];
  onChange: (models: string[]) => void;
  loading?: boolean;
  invalid?: boolean;
  label: string;
}

export function ModelPicker({ available, selected, onChange, loading = false, invalid = false, label }: ModelPickerProps) {
  const [filter, setFilter] = useState('');
  const filterId = useId();
  const all = useMemo(() => Array.from(new Set([...available, ...selected])).sort(), [available, selected]);
  const shown = all.filter((m) => m.toLowerCase().includes(filter.trim().toLowerCase()));
  const toggle = (m: string): void => {
    onChange(selected.includes(m) ? selected.filter((x) => x !== m) : [...selected, m]);
  };
  const extra = filter.trim();
  return (
    <fieldset className={`model-picker${invalid ? ' model-picker-invalid' : ''}`} aria-invalid={invalid || undefined}>
      <legend>{label}</legend>
      <div className="model-picker-bar">
        <label htmlFor={filterId} className="visually-hidden">
          Filter models
        </label>
        <input
          id={filterId}
          type="search"
          placeholder="Filter or type a model name…"
          value={filter}
          onChange={(e) => setFilter(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && extra !== '') {
              e.preventDefault();
              if (!selected.includes(extra)) onChange([...selected, extra]);
              setFilter('');
            }
          }}
        />
        <span className="model-picker-count">{selected.length === 0 ? 'All models' : `${selected.length} selected`}</span>
      </div>
      <div className="model-picker-list">
        {loading ? <p className="muted">Loading models…</p> : null}
        {!loading && shown.length === 0 ? (
          <p className="muted">{extra === '' ? 'No models configured.' : `Press Enter to add “${extra}”.`}</p>
        ) : null}
        {shown.map((m) => (
          <label key={m} className="check">
            <input type="checkbox" checked={selected.includes(m)} onChange={() => toggle(m)} />
            <span>{m}</span>
          </label>
        ))}
      </div>
    </fieldset>
  );
}
