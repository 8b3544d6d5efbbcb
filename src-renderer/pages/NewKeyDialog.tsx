/** The freshly generated (or rotated) key, shown exactly once, with copy buttons and snippets. */
import { useApp } from '../AppContext.tsx';
import { CopyButton } from '../components/CopyButton.tsx';
import { Dialog } from '../components/Dialog.tsx';
import { SnippetTabs } from '../components/SnippetTabs.tsx';
import { buildSnippets } from '../lib/snippets.ts';

export interface NewKeyDialogProps {
  apiKey: string;
  title: string;
  /** A model the key may call, for the example snippets. */
  model: string;
  note?: string;
  onClose: () => void;
}

export function NewKeyDialog({ apiKey, title, model, note, onClose }: NewKeyDialogProps) {
  const { gatewayUrl } = useApp();
  const snippets = buildSnippets({ gatewayUrl, apiKey, model });
  return (
    <Dialog
      title={title}
      size="large"
      onClose={onClose}
      footer={
        <button type="button" className="button button-primary" onClick={onClose}>
          I have saved the key
        </button>
      }
    >
      <div className="banner banner-warning" role="note">
        <span className="banner-message">
          Copy this key now. It is shown only once: Tollgate stores just its hash.{note === undefined ? '' : ` ${note}`}
        </span>
      </div>
      <div className="secret-row">
        <label htmlFor="new-key-value" className="visually-hidden">
          New key
        </label>
        <input id="new-key-value" className="mono secret-input" readOnly value={apiKey} data-testid="new-key" onFocus={(e) => e.currentTarget.select()} />
        <CopyButton text={apiKey} label="Copy key" />
      </div>
      <h3 className="section-title">Use it</h3>
      <SnippetTabs snippets={snippets} />
    </Dialog>
  );
}
