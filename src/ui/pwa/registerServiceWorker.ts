import { Workbox } from 'workbox-window';
import { appUpdates, type UpdateController } from './updates';

/** How often an open tab asks whether a new version was deployed (the browser also checks on each navigation). */
const UPDATE_CHECK_MS = 60 * 60_000;

/**
 * Registers the service worker of a built app (`sw.js`, precaching every chunk: after one visit the
 * app starts offline). `npm run dev` registers nothing and removes any worker a `vite preview` left on
 * this origin, so the dev server's files are never answered from an old build's cache.
 */
export function registerServiceWorker(updates: UpdateController = appUpdates): void {
  if (!('serviceWorker' in navigator)) return;
  if (import.meta.env.DEV) {
    void removeServiceWorkers();
    return;
  }
  const base = import.meta.env.BASE_URL;
  const workbox = new Workbox(`${base}sw.js`, { scope: base });
  let reloadAsked = false;
  const offer = () =>
    updates.offer({
      takeOver: () => takeOver(workbox, () => (reloadAsked = true)),
      reload: () => location.reload(),
    });
  // A new version installed and waiting, found now or at registration.
  workbox.addEventListener('waiting', offer);
  workbox.addEventListener('controlling', (event) => {
    // The first visit's worker taking control changes nothing; a new version that another tab let in is offered here.
    if (reloadAsked) return;
    if (event.isUpdate || event.isExternal) offer();
  });
  void workbox.register().catch((error: unknown) => console.warn('Tabflow: no offline copy:', error));
  const check = () => void workbox.update().catch(() => undefined);
  setInterval(check, UPDATE_CHECK_MS);
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') check();
  });
}

/** Lets the waiting worker take over (SKIP_WAITING) and resolves when it controls this page. */
async function takeOver(workbox: Workbox, asked: () => void): Promise<void> {
  asked();
  const registration = await navigator.serviceWorker.getRegistration();
  if (!registration?.waiting) return; // another tab already let the new version in: it controls this page
  const controlled = new Promise<void>((resolve) =>
    navigator.serviceWorker.addEventListener('controllerchange', () => resolve(), { once: true }),
  );
  workbox.messageSkipWaiting();
  await controlled;
}

async function removeServiceWorkers(): Promise<void> {
  const registrations = await navigator.serviceWorker.getRegistrations();
  await Promise.all(registrations.map((registration) => registration.unregister()));
  for (const key of await caches.keys()) if (key.startsWith('workbox-')) await caches.delete(key);
  if (registrations.length > 0) console.info('Tabflow (dev): removed a service worker left by a built app.');
}
