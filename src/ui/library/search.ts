import { collectScopes, isObject, stringField } from '../../schema/walk';

/** What the library search looks at in a workflow document: its name, its description and its step types. */
export function searchText(doc: unknown): string {
  const config = isObject(doc) && isObject(doc.workflowConfig) ? doc.workflowConfig : undefined;
  const types = new Set<string>();
  const stepsConfig = isObject(doc) ? doc.stepsConfig : undefined;
  for (const scope of collectScopes(stepsConfig, [])) for (const site of scope.sites) types.add(siteType(site.raw));
  return [stringField(config, 'name'), stringField(config, 'description'), ...types]
    .filter(Boolean)
    .join('\n')
    .toLowerCase();
}

/** An action step searches as its action too ("table.query"), so "http" finds an http action. */
function siteType(raw: Record<string, unknown>): string {
  const type = stringField(raw, 'stepType') ?? '';
  const config = isObject(raw.config) ? raw.config : undefined;
  const action = stringField(config, 'action') ?? stringField(config, 'type');
  return action && type === 'action' ? `${type} ${action}` : type;
}

/** Every word of the query appears somewhere in the text (case-insensitive); an empty query matches all. */
export function matchesQuery(text: string, query: string): boolean {
  return query
    .toLowerCase()
    .split(/\s+/)
    .filter(Boolean)
    .every((word) => text.includes(word));
}
