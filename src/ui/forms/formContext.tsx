import { createContext, useContext, useMemo, useState, type ReactNode } from 'react';
import type { ExpressionContext } from '../../schema/expression';
import { stepReach, type StepReach } from '../../schema/predecessors';
import { formatJsonPath, type PathSegment, type Problem } from '../../schema/problems';
import { resolveTemplates } from '../../schema/template';
import { isObject, objectField, type RawObject } from '../../schema/walk';
import type { WorkflowFile } from '../../schema/workflow';
import { drawsTheSame } from '../graph/sameGraph';
import { expressionNames, templateNames, whileNames, type CompletionItem } from './completions';
import { getAt, setAt, type JsonPath } from './path';
import { problemsOfStep } from './stepProblems';
import { useLastRun, useStoredSecretNames, type LastRun } from './useFormData';

/** What every step form takes; `StepFormPanel` and each per-type form accept the same. */
export interface StepFormProps {
  file: WorkflowFile;
  /** JSON path of the step, e.g. `['stepsConfig', 2, 'config', 'steps', 0]`. */
  stepPath: PathSegment[];
  /** An immutable update of the file; `group` joins a typing burst in one field into one undo step. */
  onChange(next: WorkflowFile, meta: { group: string }): void;
  /** The JSON view's problems (`validateWorkflowFile`); each field shows those at its path. */
  problems: Problem[];
  /** The open workflow's id: completions and expression previews read its last run. */
  workflowId?: string;
}

export interface StepForm {
  file: WorkflowFile;
  stepPath: JsonPath;
  step: RawObject;
  /** This step's problems (not those of steps in its bodies). */
  problems: Problem[];
  /** Every problem of the file (for the workflow settings a step form shows). */
  allProblems: Problem[];
  /** Sets the value at `path` (relative to the step); `undefined` removes the key. */
  set(path: JsonPath, value: unknown): void;
  /** Sets the value at `path` from the file's root. */
  setAbsolute(path: JsonPath, value: unknown): void;
  /** Replaces the whole file (a rename touching several steps); one undo step per `group`. */
  replace(next: WorkflowFile, group: string): void;
  templateItems(secretsAllowed: boolean): CompletionItem[];
  expressionItems(): CompletionItem[];
  /** The names a loop's own `while` sees (its round, the previous round) besides the step's. */
  whileItems(): CompletionItem[];
  lastRun: LastRun;
  /** The last run and the stored secret names have loaded (completions then list everything). */
  loaded: boolean;
  /** What an expression of this step sees, from the last run (empty data when there is none). */
  previewContext: ExpressionContext;
  /** What a loop's `while` sees before its first round. */
  whileContext: ExpressionContext;
}

const FormContext = createContext<StepForm | null>(null);

export function useStepForm(): StepForm {
  const form = useContext(FormContext);
  if (!form) throw new Error('a step form field is used outside a step form');
  return form;
}

/** The group of an edit at `path`: one undo step per field per typing burst. */
export function fieldGroup(path: JsonPath): string {
  return `field:${formatJsonPath(path)}`;
}

export function StepFormScope({ children, ...props }: StepFormProps & { children: ReactNode }) {
  const { file, stepPath, onChange, problems, workflowId } = props;
  const lastRun = useLastRun(workflowId);
  const loadedSecrets = useStoredSecretNames();
  const storedSecrets = useMemo(() => loadedSecrets ?? [], [loadedSecrets]);
  const step = getAt(file, stepPath);
  const preview = usePreviewContext(file, stepPath, lastRun);
  const whileContext = useMemo(() => ({ ...preview, loop: { index: 0, previous: {}, item: undefined } }), [preview]);
  const form = useMemo((): StepForm | undefined => {
    if (!isObject(step)) return undefined;
    const outputs = lastRun.status === 'ready' ? lastRun.outputs : {};
    const setAbsolute = (path: JsonPath, value: unknown) =>
      onChange(setAt(file, path, value), { group: fieldGroup(path) });
    const sources = { outputs, storedSecrets };
    return {
      file,
      stepPath,
      step,
      problems: problemsOfStep(problems, stepPath),
      allProblems: problems,
      set: (path, value) => setAbsolute([...stepPath, ...path], value),
      setAbsolute,
      replace: (next, group) => onChange(next, { group }),
      templateItems: (secretsAllowed) => templateNames(file, stepPath, { ...sources, secretsAllowed }),
      expressionItems: () => expressionNames(file, stepPath, sources),
      whileItems: () => whileNames(file, stepPath, sources),
      lastRun,
      loaded: lastRun.status !== 'loading' && loadedSecrets !== undefined,
      previewContext: preview,
      whileContext,
    };
  }, [file, stepPath, step, problems, onChange, lastRun, loadedSecrets, storedSecrets, preview, whileContext]);
  if (!form) {
    return (
      <p className="form-missing" role="status">
        No step at {formatJsonPath(stepPath)}.
      </p>
    );
  }
  return <FormContext.Provider value={form}>{children}</FormContext.Provider>;
}

/**
 * The preview scope, kept as the same object while what it is built from stays the same: typing in
 * another field does not evaluate every preview again.
 */
function usePreviewContext(file: WorkflowFile, stepPath: JsonPath, lastRun: LastRun): ExpressionContext {
  const [reachOf] = useState(followingReach);
  const reach = reachOf(file, stepPath);
  const settings = objectField(objectField(file as RawObject, 'workflowConfig'), 'config');
  const loopPath = innermostLoopPath(file, stepPath);
  const key = JSON.stringify([
    reach?.predecessors,
    settings?.variables,
    loopPath ? getAt(file, [...loopPath, 'config', 'forEach']) : null,
  ]);
  // The key stands for the file's parts the context reads; the file itself changes on every keystroke.
  // eslint-disable-next-line react-hooks/exhaustive-deps
  return useMemo(() => previewContext(file, stepPath, lastRun), [key, lastRun]);
}

/**
 * `stepReach`, computed again only when the graph changed: it reads nothing but slugs, types,
 * `nextSteps` and bodies, which a keystroke in a prompt leaves as they were.
 */
function followingReach(): (file: WorkflowFile, stepPath: JsonPath) => StepReach | undefined {
  let last: { file: WorkflowFile; path: JsonPath; reach: StepReach | undefined } | undefined;
  return (file, stepPath) => {
    const samePath = last?.path.length === stepPath.length && last.path.every((s, i) => s === stepPath[i]);
    // A step of a bundled workflow reads that workflow's steps, which the graph does not compare.
    if (!last || !samePath || stepPath[0] !== 'stepsConfig' || !drawsTheSame(last.file, file)) {
      last = { file, path: stepPath, reach: stepReach(file, stepPath) };
    }
    last.file = file;
    return last.reach;
  };
}

/**
 * The scope an expression of this step would see in the last run: its input, the outputs of the
 * steps that can have run before it, the variables, and inside a loop the first item.
 */
function previewContext(file: WorkflowFile, stepPath: JsonPath, lastRun: LastRun): ExpressionContext {
  const reach = stepReach(file, stepPath);
  const outputs = lastRun.status === 'ready' ? lastRun.outputs : {};
  const steps = Object.fromEntries(
    (reach?.predecessors ?? [])
      .filter((slug) => Object.hasOwn(outputs, slug))
      .map((slug) => [slug, { output: outputs[slug] }]),
  );
  const settings = objectField(objectField(file as RawObject, 'workflowConfig'), 'config');
  const variables = objectField(settings, 'variables') ?? {};
  const context: ExpressionContext = {
    input: lastRun.status === 'ready' ? lastRun.run.input : {},
    trigger: { data: lastRun.status === 'ready' ? lastRun.triggerData : undefined },
    steps,
    variables,
  };
  const loopPath = innermostLoopPath(file, stepPath);
  if (loopPath) context.loop = { item: firstItem(getAt(file, [...loopPath, 'config', 'forEach']), context), index: 0 };
  return context;
}

function innermostLoopPath(file: WorkflowFile, stepPath: JsonPath): JsonPath | undefined {
  for (let end = stepPath.length - 3; end >= 1; end--) {
    if (stepPath[end] === 'config' && stepPath[end + 1] === 'steps') {
      const container = stepPath.slice(0, end);
      if (isObject(getAt(file, container)) && (getAt(file, container) as RawObject).stepType === 'loop')
        return container;
    }
  }
  return undefined;
}

function firstItem(forEach: unknown, context: ExpressionContext): unknown {
  let items: unknown = forEach;
  if (typeof forEach === 'string') {
    try {
      items = resolveTemplates(forEach, {
        input: context.input,
        steps: context.steps ?? {},
        variables: context.variables ?? {},
      });
    } catch {
      items = undefined;
    }
  }
  return Array.isArray(items) ? items[0] : undefined;
}
