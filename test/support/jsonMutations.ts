/** Building blocks of seeded mutations of JSON documents (the importer fuzz and the adversarial files). */

/** Mutated documents can be any shape. */
export type Json = any;
export type Random = () => number;

export const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

/** Every object and array in the document (iteratively: the document may be deep after a mutation). */
export function containers(root: Json): Json[] {
  const out: Json[] = [];
  const stack: Json[] = [root];
  while (stack.length > 0) {
    const value = stack.pop();
    if (value === null || typeof value !== 'object') continue;
    out.push(value);
    for (const child of Object.values(value)) stack.push(child);
  }
  return out;
}

/** Removes one key or array element somewhere in the document. */
export function removeSomewhere(doc: Json, random: Random): void {
  const target = pick(random, containers(doc));
  const keys = Object.keys(target);
  if (keys.length === 0) return;
  const key = pick(random, keys);
  if (Array.isArray(target)) target.splice(Number(key), 1);
  else delete target[key];
}
