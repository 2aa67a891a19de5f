/**
 * "Free space in Settings → Storage" (the storage-full banner) opens Settings at its Storage section.
 * Settings' address (`#/settings`) names no section: the request waits here until the section takes it.
 */
let requested = false;

export function requestStorageSettings(): void {
  requested = true;
}

/** The pending request, once: a later, plain opening of Settings starts at the top as usual. */
export function takeStorageRequest(): boolean {
  const was = requested;
  requested = false;
  return was;
}
