/// <reference types="vite/client" />
// Registers the service worker that lets the app open while its node is down (web/pwa/service-worker.ts).
// Only in a build (any mode but the dev server's: builds under test run with NODE_ENV=test, so PROD
// is false there): the dev server has no sw.js, and a worker there would serve stale modules.
export function registerServiceWorker (): void {
  if (import.meta.env.MODE === 'development' || !('serviceWorker' in navigator)) return
  navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch((err: unknown) => {
    // The app works without it (just not offline); nothing for the person to do.
    console.warn('service worker not registered:', err)
  })
}
