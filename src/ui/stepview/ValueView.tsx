import { useId, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { copyText } from '../common/clipboard';
import { useUi } from '../state';
import { JsonTree } from './JsonTree';
import { valueAsText } from './valueText';

/** Raw JSON longer than this is cut on screen (Copy copies all of it). */
const RAW_SHOWN_CHARS = 100_000;

const VIEWS = ['tree', 'text', 'raw'] as const;
type View = (typeof VIEWS)[number];
const VIEW_LABEL: Record<View, string> = { tree: 'Tree', text: 'Text', raw: 'Raw' };

/**
 * A recorded value (a step's input or output) three ways: a JSON tree, readable text (a string as it is,
 * anything else one `path: value` line per leaf) and the raw JSON with a Copy button.
 */
export function ValueView({ value, label }: { value: unknown; label: string }) {
  const [view, setView] = useState<View>(typeof value === 'string' ? 'text' : 'tree');
  const baseId = useId();
  const tabs = useRef<Array<HTMLButtonElement | null>>([]);
  const raw = useMemo(() => (view === 'raw' ? rawJson(value) : ''), [view, value]);
  const onKeyDown = (event: KeyboardEvent) => {
    const step = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0;
    if (step === 0) return;
    event.preventDefault();
    const next = VIEWS[(VIEWS.indexOf(view) + step + VIEWS.length) % VIEWS.length]!;
    setView(next);
    tabs.current[VIEWS.indexOf(next)]?.focus();
  };
  return (
    <div className="value-view">
      <div className="value-view-bar">
        <div role="tablist" aria-label={`${label}: view as`} className="value-tabs" onKeyDown={onKeyDown}>
          {VIEWS.map((name, index) => (
            <button
              key={name}
              ref={(element) => void (tabs.current[index] = element)}
              type="button"
              role="tab"
              id={`${baseId}-${name}`}
              aria-selected={view === name}
              aria-controls={`${baseId}-panel`}
              tabIndex={view === name ? 0 : -1}
              className="value-tab"
              onClick={() => setView(name)}>
              {VIEW_LABEL[name]}
            </button>
          ))}
        </div>
        <CopyButton value={value} label={label} />
      </div>
      <div role="tabpanel" id={`${baseId}-panel`} aria-labelledby={`${baseId}-${view}`} className="value-panel">
        {view === 'tree' && <JsonTree value={value} label={label} />}
        {view === 'text' && <pre className="value-text">{valueAsText(value)}</pre>}
        {view === 'raw' && <pre className="value-raw">{raw}</pre>}
      </div>
    </div>
  );
}

function rawJson(value: unknown): string {
  const text = JSON.stringify(value, null, 2) ?? 'undefined';
  return text.length > RAW_SHOWN_CHARS
    ? `${text.slice(0, RAW_SHOWN_CHARS)}\n… (${text.length - RAW_SHOWN_CHARS} more characters: Copy takes all)`
    : text;
}

function CopyButton({ value, label }: { value: unknown; label: string }) {
  const showToast = useUi((s) => s.showToast);
  const copy = async () => {
    const copied = await copyText(JSON.stringify(value, null, 2) ?? '');
    showToast(
      copied
        ? { message: `${label} copied as JSON`, tone: 'success' }
        : { message: `Could not copy the ${label.toLowerCase()}: the browser refused the clipboard`, tone: 'error' },
    );
  };
  return (
    <button type="button" className="button button-small" onClick={() => void copy()}>
      Copy {label.toLowerCase()}
    </button>
  );
}
