import { defineConfig } from 'vite'

// The web app lives in web/ and is built into dist/web, which the rendezvous node serves.
export default defineConfig({
  root: 'web',
  build: {
    outDir: '../dist/web',
    emptyOutDir: true,
    target: 'esnext'
  }
})
