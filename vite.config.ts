import { defineConfig } from 'vite'
import { pwa } from './web/pwa/build-plugin.ts'

// The web app lives in web/ and is built into dist/web, which the rendezvous node serves.
export default defineConfig({
  root: 'web',
  plugins: [pwa()],
  build: {
    outDir: '../dist/web',
    emptyOutDir: true,
    target: 'esnext',
    // libp2p with WebRTC, Noise, yamux, gossipsub and kad-dht is one ~800 kB chunk by nature;
    // `web/scripts/report-size.ts` reports the real numbers after every build instead.
    chunkSizeWarningLimit: 1200
  }
})
