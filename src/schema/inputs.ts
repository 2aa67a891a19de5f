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
    const slug = innermostSite(found.segments, siteAt)?.slug;
    for (const ref of found.refs) {
      const name = ref.path[0];
      if (ref.root === 'input' && typeof name === 'string') reads.push({ name, slug });
    }
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

function innermostSite(segments: PathSegment[], siteAt: Map<string, StepSite>): StepSite | undefined {
  for (let length = segments.length; length > 0; length--) {
    const site = siteAt.get(pathKey(segments.slice(0, length)));
    if (site) return site;
  }
  return undefined;
}

function pathKey(segments: PathSegment[]): string {
  return JSON.stringify(segments);
}
