import { useId, useMemo, useState } from 'react';
import type { Evaluator } from '../../schema/experiment';
import { checkEvaluators } from '../../schema/evaluators';
import { autoMapping, checkExperimentRows, experimentInputs } from '../../schema/experimentRows';
import { errorMessage } from '../../schema/errorMessage';
import type { WorkflowRecord } from '../../store/db';
import { useExecutor } from '../ExecutorContext';
import { useLibrary, useWorkflowRecord } from '../library/useLibrary';
import { NotFound } from '../routing/NotFound';
import { routeHref } from '../routing/routes';
import { useUi } from '../state';
import { buildEvaluator, type EvaluatorDraft, type FieldProblem } from './evaluatorDraft';
import { EvaluatorsSection } from './EvaluatorsSection';
import { MappingSection, RowPreview, RowProblems } from './MappingSection';
import {
  experimentNameFor,
  llmStepsOf,
  newVariantDraft,
  variantOf,
  variantProblems,
  type LoadedRows,
  type VariantDraft,
} from './setupDraft';
import { SourceSection } from './SourceSection';
import { VariantsSection } from './VariantsSection';
import './experiments.css';

/** `#/experiments/new[/<workflowId>]`: pick the workflow, then the rows, columns, variants and evaluators. */
export function ExperimentSetup({ workflowId }: { workflowId: string | null }) {
  return (
    <section className="experiment-screen" aria-labelledby="experiment-setup-title">
      <p className="experiment-crumbs">
        <a href={routeHref({ screen: 'experiments' })}>Experiments</a>
      </p>
      <h2 id="experiment-setup-title">New experiment</h2>
      <WorkflowPicker workflowId={workflowId} />
      {workflowId !== null && <SetupOfWorkflow workflowId={workflowId} />}
    </section>
  );
}

function WorkflowPicker({ workflowId }: { workflowId: string | null }) {
  const library = useLibrary();
  const goTo = useUi((s) => s.goTo);
  const id = useId();
  const workflows = library.status === 'ready' ? library.workflows : [];
  return (
    <div className="field-inline experiment-workflow">
      <label htmlFor={id}>Workflow</label>
      <select
        id={id}
        value={workflowId ?? ''}
        onChange={(e) => goTo({ screen: 'newExperiment', workflowId: e.target.value || null }, { replace: true })}>
        <option value="">Choose a workflow…</option>
        {workflows.map((w) => (
          <option key={w.id} value={w.id}>
            {w.name}
          </option>
        ))}
      </select>
    </div>
  );
}

function SetupOfWorkflow({ workflowId }: { workflowId: string }) {
  const state = useWorkflowRecord(workflowId);
  if (state.status === 'loading') return <p className="muted">Loading the workflow…</p>;
  if (state.status === 'missing')
    return <NotFound title="This workflow is not here" detail="It may have been deleted. Choose another above." />;
  return <SetupForm key={state.record.id} record={state.record} />;
}

interface Problems {
  rows: string[];
  variants: string[];
  evaluators: Map<string, FieldProblem[]>;
  count: number;
}

function SetupForm({ record }: { record: WorkflowRecord }) {
  const executor = useExecutor();
  const goTo = useUi((s) => s.goTo);
  const inputs = useMemo(() => experimentInputs(record.doc), [record.doc]);
  const llmSteps = useMemo(() => llmStepsOf(record.doc), [record.doc]);
  const [loaded, setLoaded] = useState<LoadedRows | null>(null);
  const [mapping, setMapping] = useState<Record<string, string>>({});
  const [expectedColumn, setExpectedColumn] = useState('');
  const [variants, setVariants] = useState<VariantDraft[]>(() => [newVariantDraft(1)]);
  const [evaluators, setEvaluators] = useState<EvaluatorDraft[]>([]);
  const [name, setName] = useState<string | null>(null);
  const [start, setStart] = useState<{ status: 'idle' | 'starting' } | { status: 'failed'; message: string }>({
    status: 'idle',
  });
  const nameId = useId();

  const rows = loaded?.kind === 'rows' ? loaded : null;
  const columns = useMemo(() => rows?.columns ?? [], [rows]);
  const check = useMemo(
    () =>
      rows &&
      checkExperimentRows(inputs, mapping, rows.rows, {
        fromText: rows.fromText,
        ...(expectedColumn ? { expectedColumn } : {}),
      }),
    [inputs, mapping, rows, expectedColumn],
  );
  const builtEvaluators = useMemo(() => evaluators.map(buildEvaluator), [evaluators]);
  const problems = useMemo((): Problems => {
    const byEvaluator = new Map<string, FieldProblem[]>();
    const ready: Evaluator[] = [];
    builtEvaluators.forEach((built, index) => {
      if (built.ok) ready.push(built.evaluator);
      else byEvaluator.set(evaluators[index]!.id, built.problems);
    });
    for (const problem of checkEvaluators(ready, columns))
      byEvaluator.set(problem.evaluatorId, [...(byEvaluator.get(problem.evaluatorId) ?? []), problem]);
    const rowProblems = loaded === null ? ['choose the rows'] : (check?.problems.map((p) => p.message) ?? []);
    const variantList = variantProblems(variants);
    const evaluatorCount = [...byEvaluator.values()].reduce((sum, list) => sum + list.length, 0);
    const malformed = loaded?.kind === 'malformed' ? 1 : 0;
    const count = rowProblems.length + variantList.length + evaluatorCount + malformed;
    return { rows: rowProblems, variants: variantList, evaluators: byEvaluator, count };
  }, [builtEvaluators, evaluators, columns, loaded, check, variants]);

  const onLoad = (next: LoadedRows | null) => {
    setLoaded(next);
    if (next?.kind !== 'rows') return;
    setMapping(autoMapping(inputs, next.columns));
    setExpectedColumn(next.columns.find((c) => c.toLowerCase() === 'expected') ?? '');
  };
  const experimentName = name ?? experimentNameFor(record.name, loaded?.source);

  async function onStart() {
    if (!rows || !check || problems.count > 0) return;
    setStart({ status: 'starting' });
    const spec = {
      name: experimentName.trim(),
      workflowId: record.id,
      source: rows.source,
      mapping: Object.fromEntries(Object.entries(mapping).filter(([, column]) => column !== '')),
      variants: variants.map(variantOf),
      evaluators: builtEvaluators.flatMap((built) => (built.ok ? [built.evaluator] : [])),
    };
    try {
      const batchId = await executor.startExperiment(spec, check.rows, { fromText: rows.fromText });
      goTo({ screen: 'experiment', batchId });
    } catch (error) {
      setStart({ status: 'failed', message: errorMessage(error) });
    }
  }

  return (
    <form
      className="experiment-setup"
      aria-label="Experiment setup"
      onSubmit={(e) => {
        e.preventDefault();
        void onStart();
      }}>
      <div className="field-inline experiment-name">
        <label htmlFor={nameId}>Name</label>
        <input id={nameId} value={experimentName} maxLength={120} onChange={(e) => setName(e.target.value)} />
      </div>
      <SourceSection loaded={loaded} listColumn={inputs[0]?.name ?? 'value'} onLoad={onLoad} />
      {rows && (
        <MappingSection
          inputs={inputs}
          columns={columns}
          mapping={mapping}
          expectedColumn={expectedColumn}
          onMap={(input, column) => setMapping((m) => ({ ...m, [input]: column }))}
          onExpected={setExpectedColumn}
        />
      )}
      <RowProblems check={check} malformed={loaded?.kind === 'malformed' ? loaded.message : null} />
      {rows && (
        <RowPreview
          inputs={inputs}
          mapping={mapping}
          expectedColumn={expectedColumn}
          rows={check && check.rows.length > 0 ? check.rows : rows.rows}
        />
      )}
      <VariantsSection workflowId={record.id} llmSteps={llmSteps} variants={variants} onChange={setVariants} />
      {problems.variants.length > 0 && (
        <ul className="form-error" aria-label="Variant problems">
          {problems.variants.map((message) => (
            <li key={message}>{message}</li>
          ))}
        </ul>
      )}
      <EvaluatorsSection
        evaluators={evaluators}
        problems={problems.evaluators}
        columns={columns}
        expectedColumn={expectedColumn}
        onChange={setEvaluators}
      />
      <div className="experiment-start">
        <button
          type="submit"
          className="button button-primary"
          disabled={problems.count > 0 || experimentName.trim() === '' || start.status === 'starting'}>
          {start.status === 'starting' ? 'Starting…' : startLabel(rows?.rows.length ?? 0, variants.length)}
        </button>
        <span className="muted" aria-live="polite">
          {problems.count > 0
            ? `${problems.count} problem${problems.count === 1 ? '' : 's'} to fix first`
            : experimentName.trim() === ''
              ? 'the experiment needs a name'
              : ''}
        </span>
        {start.status === 'failed' && (
          <p className="form-error" role="alert">
            Couldn't start: {start.message}
          </p>
        )}
      </div>
    </form>
  );
}

function startLabel(rows: number, variants: number): string {
  const runs = rows * variants;
  return runs === 0 ? 'Start' : `Start ${runs.toLocaleString('en')} run${runs === 1 ? '' : 's'}`;
}
