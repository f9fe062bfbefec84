import '../protocol/polyfills.ts'
// As every Node entry point: protocol/ crypto on node:crypto. The crypto tests install each backend in turn.
import '../rendezvous/crypto/install.ts'
import fc from 'fast-check'

// Property tests run the same cases on every run so CI is deterministic; set FUZZ_SEED (and
// FUZZ_RUNS, where a suite reads it) to explore further. A failure prints its seed to replay it.
fc.configureGlobal({ seed: Number(process.env.FUZZ_SEED ?? 20261129) })
