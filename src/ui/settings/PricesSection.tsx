import { useState, type FormEvent } from 'react';
import { errorMessage } from '../../schema/errorMessage';
import { writeSetting } from '../../store/settings';
import { useDb } from '../DbContext';
import { useUi } from '../state';
import { useSetting } from './useSettings';
import './settings.css';

type Prices = Record<string, { inputPer1M: number; outputPer1M: number }>;

/** A price in USD per 1M tokens as typed: a number of zero or more, else what is wrong with it. */
function parsePrice(text: string, what: string): number | string {
  const value = Number(text.trim());
  if (!text.trim() || !Number.isFinite(value) || value < 0) return `${what} must be a number of dollars, 0 or more`;
  return value;
}

/** Prices per model (USD per 1M tokens), used for cost estimates ahead of the built-in, dated OpenAI prices. */
export function PricesSection() {
  const db = useDb();
  const showToast = useUi((s) => s.showToast);
  const stored = useSetting('modelPrices');
  const [form, setForm] = useState({ model: '', input: '', output: '' });
  const [error, setError] = useState<string | null>(null);
  if (!stored) return null;
  const prices: Prices = stored.value;
  const write = async (next: Prices, done: string) => {
    try {
      await writeSetting(db, 'modelPrices', next);
      showToast({ message: done, tone: 'success' });
      return true;
    } catch (failure) {
      setError(errorMessage(failure));
      return false;
    }
  };
  async function save(event: FormEvent) {
    event.preventDefault();
    setError(null);
    const model = form.model.trim();
    if (!model) return setError('name the model the price is for, as the step shows it (e.g. llama3.2)');
    const input = parsePrice(form.input, 'The input price');
    const output = parsePrice(form.output, 'The output price');
    if (typeof input === 'string' || typeof output === 'string')
      return setError(typeof input === 'string' ? input : (output as string));
    if (await write({ ...prices, [model]: { inputPer1M: input, outputPer1M: output } }, `Price saved for ${model}`))
      setForm({ model: '', input: '', output: '' });
  }
  const remove = (model: string) => {
    const next = { ...prices };
    delete next[model];
    void write(next, `Price removed for ${model}`);
  };
  return (
    <section className="settings-section" aria-label="Model prices">
      <h3>Model prices</h3>
      <p className="muted">
        Cost estimates use OpenAI&apos;s list prices (dated, shown with each estimate) for OpenAI models. Set a price
        here for any other model, or to override one; it applies to runs from now on.
      </p>
      {stored.problem && (
        <p className="form-error" role="status">
          {stored.problem}
        </p>
      )}
      {Object.keys(prices).length > 0 && (
        <table className="prices-table">
          <thead>
            <tr>
              <th scope="col">Model</th>
              <th scope="col">Input, $ per 1M tokens</th>
              <th scope="col">Output, $ per 1M tokens</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {Object.entries(prices).map(([model, price]) => (
              <tr key={model} data-price-model={model}>
                <td>
                  <code>{model}</code>
                </td>
                <td>{price.inputPer1M}</td>
                <td>{price.outputPer1M}</td>
                <td>
                  <button
                    type="button"
                    className="button button-small"
                    aria-label={`Remove the price of ${model}`}
                    onClick={() => remove(model)}>
                    Remove
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form className="inline-form" aria-label="Set a model price" onSubmit={(e) => void save(e)}>
        <input
          aria-label="Model"
          placeholder="Model, e.g. llama3.2"
          value={form.model}
          onChange={(e) => setForm({ ...form, model: e.target.value })}
        />
        {(['input', 'output'] as const).map((side) => (
          <input
            key={side}
            aria-label={`${side === 'input' ? 'Input' : 'Output'} price, $ per 1M tokens`}
            placeholder={`${side === 'input' ? 'Input' : 'Output'} $/1M`}
            inputMode="decimal"
            value={form[side]}
            onChange={(e) => setForm({ ...form, [side]: e.target.value })}
          />
        ))}
        <button type="submit" className="button">
          Save price
        </button>
      </form>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
