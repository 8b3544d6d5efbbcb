/** The ready-made client snippets for a new key, as accessible tabs (arrow keys move between them). */
import { useId, useRef, useState } from 'react';
import type { KeyboardEvent } from 'react';
import type { Snippet } from '../lib/snippets.ts';
import { CopyButton } from './CopyButton.tsx';

export function SnippetTabs({ snippets }: { snippets: readonly Snippet[] }) {
  const [active, setActive] = useState(0);
  const base = useId();
  const tabs = useRef<(HTMLButtonElement | null)[]>([]);
  const current = snippets[active] ?? snippets[0];
  if (current === undefined) return null;
  const move = (e: KeyboardEvent<HTMLDivElement>): void => {
    const delta = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
    if (delta === 0 && e.key !== 'Home' && e.key !== 'End') return;
    e.preventDefault();
    const next = e.key === 'Home' ? 0 : e.key === 'End' ? snippets.length - 1 : (active + delta + snippets.length) % snippets.length;
    setActive(next);
    tabs.current[next]?.focus();
  };
  return (
    <div className="snippets">
      <div className="tabs" role="tablist" aria-label="Use this key" onKeyDown={move}>
        {snippets.map((s, i) => (
          <button
            key={s.id}
            ref={(el) => {
              tabs.current[i] = el;
            }}
            type="button"
            role="tab"
            id={`${base}-tab-${s.id}`}
            aria-selected={i === active}
            aria-controls={`${base}-panel`}
            tabIndex={i === active ? 0 : -1}
            className="tab"
            onClick={() => setActive(i)}
          >
            {s.label}
          </button>
        ))}
      </div>
      <div className="code-block" role="tabpanel" id={`${base}-panel`} aria-labelledby={`${base}-tab-${current.id}`}>
        <pre tabIndex={0} data-testid={`snippet-${current.id}`}>
          <code>{current.code}</code>
        </pre>
        <CopyButton text={current.code} className="code-copy" />
      </div>
    </div>
  );
}
