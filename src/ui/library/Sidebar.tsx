import { useId, useMemo, useState } from 'react';
import { countProblems, hasErrors } from '../../schema/problems';
import { validateWorkflowFile } from '../../schema/validate';
import { collectScopes } from '../../schema/walk';
import type { WorkflowRecord } from '../../store/db';
import { TEMPLATES, type Template } from '../../templates';
import { formatRelative, useNow } from '../common/time';
import { useDb } from '../DbContext';
import { useUi } from '../state';
import { createFromTemplate } from './libraryActions';
import { matchesQuery, searchText } from './search';
import type { LibraryState } from './useLibrary';
import './library.css';

interface SidebarProps {
  library: LibraryState;
  knownWorkflows: readonly string[];
}

/** The library: a search over it, saved workflows (live from Dexie) above the built-in templates. */
export function Sidebar({ library, knownWorkflows }: SidebarProps) {
  const now = useNow();
  const [query, setQuery] = useState('');
  const all = library.status === 'ready' ? library.workflows : [];
  const workflows = all.filter((w) => matchesQuery(searchText(w.doc), query));
  const templates = TEMPLATES.filter((t) => matchesQuery(TEMPLATE_TEXT.get(t.id)!, query));
  const searching = query.trim() !== '';
  return (
    <nav className="sidebar" aria-label="Library">
      <div className="library-search" role="search">
        <input
          type="search"
          aria-label="Search workflows and templates"
          placeholder="Search by name, description, step type…"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
        />
        {searching && (
          <p className="muted sidebar-note" role="status">
            {workflows.length + templates.length === 0
              ? `Nothing matches “${query.trim()}”.`
              : `${workflows.length} workflow${workflows.length === 1 ? '' : 's'}, ` +
                `${templates.length} template${templates.length === 1 ? '' : 's'} match`}
          </p>
        )}
      </div>
      <section className="sidebar-section" aria-labelledby="your-workflows">
        <h2 id="your-workflows" className="section-title">
          Your workflows {all.length > 0 && <span className="count">{workflows.length}</span>}
        </h2>
        {library.status === 'loading' ? (
          <p className="muted sidebar-note">Loading…</p>
        ) : all.length === 0 ? (
          <p className="muted sidebar-note">Nothing here yet. Start from a template below, or import a file.</p>
        ) : (
          <ul className="workflow-list">
            {workflows.map((w) => (
              <WorkflowItem key={w.id} record={w} knownWorkflows={knownWorkflows} now={now} />
            ))}
          </ul>
        )}
      </section>
      <section className="sidebar-section" aria-labelledby="templates">
        <h2 id="templates" className="section-title">
          Templates
        </h2>
        <ul className="template-list">
          {templates.map((t) => (
            <TemplateItem key={t.id} template={t} />
          ))}
        </ul>
      </section>
    </nav>
  );
}

/** Templates never change while the app runs: their search text is built once. */
const TEMPLATE_TEXT: ReadonlyMap<string, string> = new Map(TEMPLATES.map((t) => [t.id, searchText(t.doc)]));

function WorkflowItem({
  record,
  knownWorkflows,
  now,
}: {
  record: WorkflowRecord;
  knownWorkflows: readonly string[];
  now: number;
}) {
  const selected = useUi((s) => s.selectedId === record.id);
  const select = useUi((s) => s.select);
  // Keyed by id + updatedAt: a record re-read unchanged by liveQuery is not validated again.
  const version = `${record.id}@${record.updatedAt}`;
  // eslint-disable-next-line react-hooks/exhaustive-deps -- `version` stands for `record`
  const health = useMemo(() => healthOf(record, knownWorkflows), [version, knownWorkflows]);
  return (
    <li data-testid="workflow-item" data-workflow-name={record.name}>
      <button
        type="button"
        className="workflow-item"
        aria-current={selected ? 'page' : undefined}
        onClick={() => select(record.id)}>
        <span className="workflow-item-name">{record.name}</span>
        <span className="workflow-item-meta muted">
          {health.steps} step{health.steps === 1 ? '' : 's'} · {formatRelative(record.updatedAt, now)}
        </span>
        {health.badge && (
          <span className={`badge badge-${health.badge.tone}`} title={health.badge.title}>
            {health.badge.label}
          </span>
        )}
      </button>
    </li>
  );
}

type Badge = { tone: 'error' | 'warning'; label: string; title: string };

function healthOf(
  record: WorkflowRecord,
  knownWorkflows: readonly string[],
): { steps: number; badge: Badge | undefined } {
  const steps = collectScopes(record.doc.stepsConfig, ['stepsConfig']).reduce((n, s) => n + s.sites.length, 0);
  const { problems } = validateWorkflowFile(record.doc, { knownWorkflows });
  const { errors, warnings } = countProblems(problems);
  let badge: Badge | undefined;
  if (hasErrors(problems))
    badge = { tone: 'error', label: `${errors}`, title: `${errors} error${errors === 1 ? '' : 's'}` };
  else if (warnings > 0)
    badge = { tone: 'warning', label: `${warnings}`, title: `${warnings} warning${warnings === 1 ? '' : 's'}` };
  else if (record.draftText !== undefined)
    badge = { tone: 'warning', label: 'draft', title: 'Unsaved draft in the editor' };
  return { steps, badge };
}

/** Descriptions longer than this are cut to two lines, with a button to read the rest. */
const LONG_DESCRIPTION_CHARS = 90;

function TemplateItem({ template }: { template: Template }) {
  const db = useDb();
  const select = useUi((s) => s.select);
  const showToast = useUi((s) => s.showToast);
  const [expanded, setExpanded] = useState(false);
  const descriptionId = useId();
  const { name, description } = template.doc.workflowConfig;
  const nameId = `template-${template.id}`;
  const long = (description?.length ?? 0) > LONG_DESCRIPTION_CHARS;
  async function use() {
    const record = await createFromTemplate(db, template);
    select(record.id);
    showToast({ message: `Added “${record.name}” to your workflows`, tone: 'success' });
  }
  return (
    <li
      className={`template-item${expanded ? ' template-item-expanded' : ''}`}
      data-testid="template-item"
      data-template-id={template.id}>
      <div className="template-text">
        <span className="template-name" id={nameId}>
          {name}
        </span>
        {description && (
          <span className="template-description muted" id={descriptionId}>
            {description}
          </span>
        )}
        {long && (
          <button
            type="button"
            className="link-button template-more"
            aria-expanded={expanded}
            aria-controls={descriptionId}
            onClick={() => setExpanded((e) => !e)}>
            {expanded ? 'Show less' : 'Read more'}
          </button>
        )}
      </div>
      <button
        type="button"
        className="button button-small"
        onClick={() => void use()}
        aria-describedby={description ? `${nameId} ${descriptionId}` : nameId}>
        Use template
      </button>
    </li>
  );
}
