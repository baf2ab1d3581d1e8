/**
 * The project's dependency rules, checked by `npm test` (scripts/test.sh → npm run depcheck).
 *
 *   harness/, scenarios/  the judge: nothing from system/ (it reads logs, exit codes, bets.csv)
 *   system/               the judged: nothing from harness/ or scenarios/
 *   testbed/              testbed tools (dataset generator, stats): a leaf, imports none of them;
 *                         system/ may use it only in tests and benches, never in production code
 *   inside system/        domain ← protocol ← transport ← server / client; the domain has no I/O
 *   everywhere            no circles
 */
/** System code that is not part of the product: tests, benches, test helpers. */
const SYSTEM_TOOLING = '(\\.test\\.ts$|^system/(bench|integration|testing)/)';

module.exports = {
  forbidden: [
    {
      name: 'judge-imports-no-system',
      comment: 'harness/ and scenarios/ judge the system from outside: they import nothing from system/ (SPEC §7).',
      severity: 'error',
      from: { path: '^(harness|scenarios)/' },
      to: { path: '^system/' },
    },
    {
      name: 'system-imports-no-judge',
      comment: 'The system knows nothing of its judge.',
      severity: 'error',
      from: { path: '^system/' },
      to: { path: '^(harness|scenarios)/' },
    },
    {
      name: 'testbed-is-a-leaf',
      comment: 'testbed/ (dataset generator, stats) is shared by the judge and the system\'s tests: it imports from neither.',
      severity: 'error',
      from: { path: '^testbed/' },
      to: { path: '^(system|harness|scenarios|compose-templates)/' },
    },
    {
      name: 'product-imports-no-testbed',
      comment: 'Only the system\'s tests and benches may use testbed tools; its production code may not.',
      severity: 'error',
      from: { path: '^system/', pathNot: SYSTEM_TOOLING },
      to: { path: '^testbed/' },
    },
    {
      name: 'domain-has-no-io',
      comment: 'The domain holds data and rules: no node core module at all (no net, no buffer, no fs).',
      severity: 'error',
      from: { path: '^system/domain/', pathNot: SYSTEM_TOOLING },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'domain-at-the-bottom',
      comment: 'domain ← protocol ← transport ← server / client: the domain imports nothing else of the system.',
      severity: 'error',
      from: { path: '^system/domain/', pathNot: SYSTEM_TOOLING },
      to: { path: '^system/(?!domain/)' },
    },
    {
      name: 'protocol-below-transport',
      comment: 'domain ← protocol ← transport ← server / client',
      severity: 'error',
      from: { path: '^system/protocol/' },
      to: { path: '^system/(transport|server|client)/' },
    },
    {
      name: 'transport-below-server-client',
      comment: 'domain ← protocol ← transport ← server / client',
      severity: 'error',
      from: { path: '^system/transport/' },
      to: { path: '^system/(server|client)/' },
    },
    {
      name: 'server-and-client-apart',
      comment: 'The server and the client share only what lies below them.',
      severity: 'error',
      from: { path: '^system/(server|client)/', pathNot: SYSTEM_TOOLING },
      to: { path: '^system/(server|client)/', pathNot: '^system/$1/' },
    },
    {
      name: 'no-circular',
      comment: 'No import circles.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|dist|\\.cache|artifacts)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'], extensions: ['.ts', '.mjs', '.js', '.d.ts'] },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
