import './schema/zodJitless';
import './ui/theme/startTheme';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './ui/App';
import './ui/styles.css';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);

// The service worker (offline copy, new versions) is registered from a chunk of its own, after the first screen.
void import('./ui/pwa/registerServiceWorker')
  .then(({ registerServiceWorker }) => registerServiceWorker())
  .catch((error: unknown) => console.warn('Tabflow: the offline copy is not set up:', error));
