import '../protocol/polyfills.ts'
