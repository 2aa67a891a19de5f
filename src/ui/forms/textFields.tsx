import { useEffect, useState } from 'react';
import { evaluateCondition, evaluateExpression, type ExpressionContext } from '../../schema/expression';
import { errorMessage } from '../../schema/errorMessage';
import { CompletingTextarea } from './CompletingTextarea';
import { FieldFrame, useField, type FieldProps } from './fields';
import { useStepForm } from './formContext';
import { useDraft, useDraftError } from './useDraft';

/** Fields whose text is a template, a JSONata expression, or raw JSON. */

export function TemplateField(props: FieldProps & { secretsAllowed?: boolean; rows?: number }) {
  const form = useStepForm();
  const field = useField(props.path);
  const external = typeof field.value === 'string' ? field.value : '';
  const [draft, setDraft] = useDraft(external);
  return (
    <FieldFrame field={field} label={props.label} help={props.help ?? 'Type {{ (or Ctrl+Space) to insert a reference.'}>
      <CompletingTextarea
        id={field.id}
        value={draft}
        mode="template"
        rows={props.rows}
        label={props.label}
        items={() => form.templateItems(props.secretsAllowed === true)}
        describedBy={field.describedBy}
        invalid={field.invalid}
        onChange={(text) => {
          setDraft(text);
          field.set(text === '' && props.optional ? undefined : text);
        }}
      />
    </FieldFrame>
  );
}

/** How long the preview waits after the last keystroke. */
export const PREVIEW_DEBOUNCE_MS = 300;
const SHOWN_CHARS = 400;

/** `loopOwn`: the loop's own `while`, which sees its round and the previous round's outputs. */
export function ExpressionField(props: FieldProps & { condition?: boolean; loopOwn?: boolean }) {
  const form = useStepForm();
  const field = useField(props.path);
  const external = typeof field.value === 'string' ? field.value : '';
  const [draft, setDraft] = useDraft(external);
  return (
    <FieldFrame
      field={field}
      label={props.label}
      help={props.help}
      after={
        <ExpressionPreview
          id={`${field.id}-preview`}
          source={draft}
          context={props.loopOwn ? form.whileContext : form.previewContext}
          condition={props.condition}
        />
      }>
      <CompletingTextarea
        id={field.id}
        value={draft}
        mode="expression"
        rows={2}
        label={props.label}
        items={props.loopOwn ? form.whileItems : form.expressionItems}
        describedBy={`${field.describedBy} ${field.id}-preview`}
        invalid={field.invalid}
        onChange={(text) => {
          setDraft(text);
          field.set(text === '' && props.optional ? undefined : text);
        }}
      />
    </FieldFrame>
  );
}

type Preview =
  { kind: 'idle' } | { kind: 'value'; text: string; matches?: boolean } | { kind: 'error'; message: string };

/** "evaluates to …" against the last run's data, debounced; evaluation is budgeted (expression.ts), never eval. */
function ExpressionPreview(props: { id: string; source: string; context: ExpressionContext; condition?: boolean }) {
  const { source, context, condition } = props;
  const against = useStepForm().lastRun.status;
  const [preview, setPreview] = useState<Preview>({ kind: 'idle' });
  useEffect(() => {
    // While the last run loads, a preview against empty data would show a value that is about to change.
    if (source.trim() === '' || against === 'loading') return;
    let live = true;
    const timer = setTimeout(() => {
      const options = { nowMs: Date.now(), seed: 'form-preview' };
      void Promise.all([
        evaluateExpression(source, context, options),
        condition ? evaluateCondition(source, context, options) : Promise.resolve(undefined),
      ]).then(
        ([value, matches]) => live && setPreview({ kind: 'value', text: describeValue(value), matches }),
        (error: unknown) => live && setPreview({ kind: 'error', message: errorMessage(error) }),
      );
    }, PREVIEW_DEBOUNCE_MS);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [source, context, condition, against]);
  const shown: Preview = source.trim() === '' || against === 'loading' ? { kind: 'idle' } : preview;
  return (
    <p id={props.id} className={`form-preview form-preview-${shown.kind}`} aria-live="polite">
      {shown.kind === 'value' && (
        <>
          Evaluates to <code>{shown.text}</code>
          {shown.matches !== undefined && (shown.matches ? ' — the rule matches' : ' — the rule does not match')}
          <span className="form-help">
            {' '}
            ({against === 'ready' ? 'the last finished run' : 'no finished run yet: empty data'})
          </span>
        </>
      )}
      {shown.kind === 'error' && <>Error: {shown.message}</>}
    </p>
  );
}

function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing (no value)';
  const text = JSON.stringify(value);
  return text.length > SHOWN_CHARS ? `${text.slice(0, SHOWN_CHARS)}…` : text;
}

/** Raw JSON (schemas, `data`, `where`…): written when it parses, else the parse error is shown. */
export function JsonField(
  props: FieldProps & { expect?: 'object' | 'array' | 'any'; templates?: boolean; secretsAllowed?: boolean },
) {
  const form = useStepForm();
  const bound = useField(props.path, undefined, props.absolute);
  const external = bound.value === undefined ? '' : JSON.stringify(bound.value, null, 2);
  const [draft, setDraft] = useDraft(external, canonicalJson);
  const [ownError, setOwnError] = useDraftError(draft);
  const field = ownError === undefined ? bound : { ...bound, invalid: true };
  const expect = props.expect ?? 'object';
  const onChange = (text: string) => {
    setDraft(text);
    if (text.trim() === '') {
      setOwnError(text, props.optional ? undefined : `${props.label} is required`);
      if (props.optional) field.set(undefined);
      return;
    }
    const parsed = parseJson(text);
    if (!parsed.ok) return setOwnError(text, `not valid JSON: ${parsed.message}`);
    const kind = Array.isArray(parsed.value)
      ? 'array'
      : parsed.value !== null && typeof parsed.value === 'object'
        ? 'object'
        : 'other';
    if (expect !== 'any' && kind !== expect) return setOwnError(text, `must be a JSON ${expect}`);
    setOwnError(text, undefined);
    field.set(parsed.value);
  };
  return (
    <FieldFrame field={field} label={props.label} help={props.help} ownError={ownError}>
      <CompletingTextarea
        id={field.id}
        value={draft}
        mode="template"
        rows={Math.min(12, Math.max(3, draft.split('\n').length + 1))}
        label={props.label}
        items={() => (props.templates ? form.templateItems(props.secretsAllowed === true) : [])}
        describedBy={field.describedBy}
        invalid={field.invalid}
        onChange={onChange}
      />
    </FieldFrame>
  );
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false; message: string } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return { ok: false, message: errorMessage(error) };
  }
}

function canonicalJson(text: string): string | undefined {
  if (text.trim() === '') return '';
  const parsed = parseJson(text);
  return parsed.ok ? JSON.stringify(parsed.value, null, 2) : undefined;
}
