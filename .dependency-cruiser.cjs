// Import rules from the design: web → protocol; rendezvous → protocol; node → protocol, rendezvous;
// protocol stays isomorphic (no Node built-ins, no native modules). Run by `npm run check:imports` in CI.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'protocol-is-the-core',
      comment: 'protocol/ imports none of the other folders: it is what they build on.',
      severity: 'error',
      from: { path: '^protocol/' },
      to: { path: '^(node|web|rendezvous|test|bench)/' }
    },
    {
      name: 'protocol-is-isomorphic',
      comment: 'protocol/ runs in browsers: platform parts (files, sockets, SQLite) are passed in.',
      severity: 'error',
      from: { path: '^protocol/' },
      to: { dependencyTypes: ['core'] }
    },
    {
      name: 'protocol-no-native-modules',
      comment: 'protocol/ runs in browsers: no native or server-only packages.',
      severity: 'error',
      from: { path: '^protocol/' },
      to: { path: 'node_modules/(better-sqlite3|pg|pino|prom-client|nodemailer|ws|@libp2p/tcp|@hono)/' }
    },
    {
      name: 'web-only-protocol',
      comment: 'The web app talks to the rest only through protocol/.',
      severity: 'error',
      from: { path: '^web/' },
      to: { path: '^(node|rendezvous)/' }
    },
    {
      name: 'web-components-no-network',
      comment: 'Screens get data as properties or from context and send intent up as events: the network is the services\' (web/services/network-session.ts and what builds it).',
      severity: 'error',
      from: { path: '^web/components/' },
      to: { path: '^(web/services/(network-session|session-launch|web-node|webrtc-upgrade|account-state|group-actions|local-data)\\.ts|protocol/(chat-client|chat-parts)\\.ts|protocol/(mesh|account|dm|mailbox|groups)/)' }
    },
    {
      name: 'web-services-not-components',
      comment: 'Services know nothing of the screens that show them.',
      severity: 'error',
      from: { path: '^web/services/' },
      to: { path: '^web/components/' }
    },
    {
      name: 'rendezvous-not-cli-or-web',
      comment: 'The node is used by the CLI, never the other way round; it serves the built web app as files.',
      severity: 'error',
      from: { path: '^rendezvous/' },
      to: { path: '^(node|web)/' }
    },
    {
      name: 'accounts-not-billing',
      comment: 'Billing builds on accounts (their store and ids) and implements what accounts need from it (rendezvous/accounts/account-billing.ts); never the other way.',
      severity: 'error',
      from: { path: '^rendezvous/accounts/' },
      to: { path: '^rendezvous/billing/' }
    },
    {
      name: 'nothing-imports-tests',
      severity: 'error',
      from: { path: '^(protocol|rendezvous|node|web)/' },
      to: { path: '^(test|bench)/' }
    },
    {
      name: 'no-circular',
      comment: 'Import circles make start-up order and testing in parts fragile.',
      severity: 'error',
      from: { path: '^(rendezvous|node|protocol|web)/' },
      to: { circular: true }
    }
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(dist|node_modules)/' },
    parser: 'swc',
    tsPreCompilationDeps: false,
    combinedDependencies: false,
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types']
    }
  }
}
