import { checkExpression } from './expression';
import { LIMITS } from './limits';
import type { PathSegment } from './problems';
import { findTemplates } from './template';
import { expressionFields } from './validateRefs';
import { collectScopes, objectField, type RawObject, type StepSite } from './walk';

/**
 * The inputs a run needs: those the input schema declares, and those the steps read without
 * declaring them (`{{input.customerId}}` in a template, `input.customerId` in an expression).
 */
export interface InputUse {
  name: string;
  /** Listed in `workflowConfig.config.inputSchema.properties`. */
  declared: boolean;
  /** Slugs of the steps that read it, in the order they appear (empty: declared, never read). */
  usedBy: string[];
}

/** Declared inputs first, in schema order, then undeclared ones in the order the steps read them. Pure. */
export function workflowInputUses(raw: RawObject): InputUse[] {
  const settings = objectField(objectField(raw, 'workflowConfig'), 'config');
  const properties = objectField(objectField(settings, 'inputSchema'), 'properties');
  const uses = new Map<string, InputUse>();
  for (const name of Object.keys(properties ?? {})) uses.set(name, { name, declared: true, usedBy: [] });
  for (const { name, slug } of inputReads(raw)) {
    let use = uses.get(name);
    if (!use) uses.set(name, (use = { name, declared: false, usedBy: [] }));
    if (slug !== undefined && !use.usedBy.includes(slug)) use.usedBy.push(slug);
  }
  return [...uses.values()];
}

/** Every read of an input, with the innermost step it sits in. */
function inputReads(raw: RawObject): Array<{ name: string; slug: string | undefined }> {
  const sites = collectScopes(raw.stepsConfig, ['stepsConfig']).flatMap((s) => s.sites);
  const siteAt = new Map(sites.map((site) => [pathKey(site.segments), site]));
  const reads: Array<{ name: string; slug: string | undefined }> = [];
  for (const found of findTemplates(raw.stepsConfig, ['stepsConfig'])) {
    const names = found.refs.flatMap((ref) =>
      ref.root === 'input' && typeof ref.path[0] === 'string' ? [ref.path[0]] : [],
    );
    if (names.length === 0) continue;
    const slug = innermostSite(found.segments, siteAt)?.slug;
    for (const name of names) reads.push({ name, slug });
  }
  for (const site of sites) {
    const config = objectField(site.raw, 'config');
    if (!config) continue;
    for (const { source } of expressionFields(site, config)) {
      if (typeof source !== 'string' || source.length > LIMITS.expressionChars) continue;
      const checked = checkExpression(source);
      if (checked.ok) checked.inputRefs.forEach((name) => reads.push({ name, slug: site.slug }));
    }
  }
  return reads;
}

/** A step sits at a list index: only prefixes ending in a number can be one (keys built once, longest first). */
function innermostSite(segments: PathSegment[], siteAt: Map<string, StepSite>): StepSite | undefined {
  const prefixes: string[] = [];
  let key = '';
  for (const segment of segments) {
    key += `${SEPARATOR}${segment}`;
    prefixes.push(typeof segment === 'number' ? key : '');
  }
  for (let i = prefixes.length - 1; i >= 0; i--) {
    const site = prefixes[i] ? siteAt.get(prefixes[i]!) : undefined;
    if (site) return site;
  }
  return undefined;
}

const SEPARATOR = '\u0000';

function pathKey(segments: PathSegment[]): string {
  return segments.map((segment) => `${SEPARATOR}${segment}`).join('');
}
