import { useEffect, useRef, useState, type FormEvent } from 'react';
import { workflowSecretName } from '../../store/keyVault';
import { useExecutor } from '../ExecutorContext';
import { useUi } from '../state';
import { useKeysState, useSetting } from './useSettings';
import { errorMessage } from '../../schema/errorMessage';

/** How the saved keys are protected, with and without a passphrase. */
const SEALED_UNDER_PASSPHRASE =
  'Sealed under your passphrase, which is never stored: a copy of this browser profile does not open them. ' +
  'While unlocked, anyone using this browser can run workflows with them; ' +
  'closing the browser (or reloading the tab that runs workflows) locks them again.';
const SEALED_UNDER_DEVICE_KEY =
  'Sealed with a key this browser keeps for itself, so they are never written in plain text. ' +
  'Anyone who can use this browser profile can use them; set a passphrase to protect them if the profile is copied.';

/** Passphrase lock, workflow secrets and "Forget all keys". Values are masked and never shown again. */
export function KeysSection() {
  const executor = useExecutor();
  const showToast = useUi((s) => s.showToast);
  const { state, refresh } = useKeysState();
  const vaultProblem = useSetting('keyVault')?.problem;
  const [passphrase, setPassphrase] = useState('');
  const [secret, setSecret] = useState({ name: '', value: '' });
  const [confirmForget, setConfirmForget] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const sectionRef = useRef<HTMLElement>(null);
  const answered = useRef<'forgot' | 'kept' | null>(null);
  // The confirmation's buttons go away with it: focus moves to "Forget all keys" after Keep, or to the
  // section's first field after forgetting (the button is about to be disabled) — never the page body,
  // where Escape closes nothing.
  useEffect(() => {
    if (confirmForget || !answered.current) return;
    const root = sectionRef.current;
    const target =
      answered.current === 'kept'
        ? [...(root?.querySelectorAll<HTMLElement>('button') ?? [])].find((b) => b.textContent === 'Forget all keys')
        : root?.querySelector<HTMLElement>('input');
    answered.current = null;
    target?.focus();
  });
  const closeConfirm = (answer: 'forgot' | 'kept') => {
    answered.current = answer;
    setConfirmForget(false);
  };
  const act = (action: () => Promise<unknown>, done: string) => async (event?: FormEvent) => {
    event?.preventDefault();
    setError(null);
    try {
      await action();
      setPassphrase('');
      showToast({ message: done, tone: 'success' });
    } catch (failure) {
      setError(errorMessage(failure));
    } finally {
      refresh();
    }
  };
  if (!state) return null;
  const secrets = state.names.filter((n) => n.startsWith('secret:')).map((n) => n.slice('secret:'.length));
  const locked = state.passphrase && !state.unlocked;
  return (
    <section className="settings-section" aria-label="Keys" ref={sectionRef}>
      <h3>Keys and secrets</h3>
      <p className="muted">
        Stored only in this browser, in their own table; sent only to the provider or host they belong to; never in
        exports, links, journals or logs.
      </p>
      <p className="muted" data-testid="keys-protection">
        {state.passphrase ? SEALED_UNDER_PASSPHRASE : SEALED_UNDER_DEVICE_KEY}
      </p>
      {vaultProblem && (
        <p className="form-error" role="status">
          {vaultProblem}
        </p>
      )}
      {locked ? (
        <form
          className="inline-form"
          onSubmit={(e) => void act(() => executor.unlockKeys(passphrase), 'Keys unlocked')(e)}>
          <input
            type="password"
            aria-label="Passphrase"
            placeholder="Passphrase"
            value={passphrase}
            onChange={(e) => setPassphrase(e.target.value)}
          />
          <button type="submit" className="button button-primary">
            Unlock keys
          </button>
        </form>
      ) : state.passphrase ? (
        <button
          type="button"
          className="button"
          onClick={() => void act(() => executor.removePassphrase(), 'Passphrase removed')()}>
          Remove passphrase
        </button>
      ) : (
        <form
          className="inline-form"
          onSubmit={(e) =>
            void act(() => executor.setPassphrase(passphrase), 'Keys are now protected by your passphrase')(e)
          }>
          <input
            type="password"
            aria-label="New passphrase"
            placeholder="New passphrase (8+ characters)"
            value={passphrase}
            onChange={(e) => setPassphrase(e.target.value)}
          />
          <button type="submit" className="button">
            Protect keys with a passphrase
          </button>
        </form>
      )}
      <form
        className="inline-form"
        onSubmit={(e) =>
          void act(
            () =>
              executor
                .saveSecret(workflowSecretName(secret.name.trim()), secret.value)
                .then(() => setSecret({ name: '', value: '' })),
            'Secret saved',
          )(e)
        }>
        <input
          aria-label="Secret name"
          placeholder="Secret name, e.g. API_TOKEN"
          value={secret.name}
          onChange={(e) => setSecret({ ...secret, name: e.target.value })}
        />
        <input
          type="password"
          aria-label="Secret value"
          autoComplete="off"
          placeholder="Value"
          value={secret.value}
          onChange={(e) => setSecret({ ...secret, value: e.target.value })}
        />
        <button type="submit" className="button" disabled={!secret.name.trim() || locked}>
          Save secret
        </button>
      </form>
      {secrets.length > 0 && (
        <p className="muted">
          Workflow secrets:{' '}
          {secrets.map((s) => (
            <code key={s}>{s} </code>
          ))}
        </p>
      )}
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      {confirmForget ? (
        <div className="inline-form">
          <span>Delete every key and secret ({state.names.length}) from this browser?</span>
          <button
            type="button"
            className="button"
            onClick={() => {
              closeConfirm('forgot');
              void act(() => executor.forgetAllKeys(), 'All keys forgotten')();
            }}>
            Forget them
          </button>
          <button type="button" className="button" onClick={() => closeConfirm('kept')}>
            Keep
          </button>
        </div>
      ) : (
        <button
          type="button"
          className="button"
          disabled={state.names.length === 0}
          onClick={() => setConfirmForget(true)}>
          Forget all keys
        </button>
      )}
    </section>
  );
}
