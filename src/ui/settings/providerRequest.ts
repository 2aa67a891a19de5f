/**
 * "Check the key in Settings" names the provider to open at. Settings is a screen of its own address
 * (`#/settings`), which carries no provider: the request waits here until the dialog takes it on open.
 */
let requested: string | undefined;

/** The provider (its name; '' = the default one) whose entry Settings should open at next. */
export function requestProviderSettings(provider: string): void {
  requested = provider;
}

/** The pending request, once: a later, plain opening of Settings starts as usual. */
export function takeProviderRequest(): string | undefined {
  const provider = requested;
  requested = undefined;
  return provider;
}
