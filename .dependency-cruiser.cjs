/**
 * The project's dependency rules, checked by `npm test` (scripts/test.sh → npm run depcheck).
 *
 *   harness/, scenarios/  the judge: nothing from system/ (it reads logs, exit codes, bets.csv)
 *   system/               the judged: nothing from harness/ or scenarios/
 *   testbed/              testbed tools (dataset generator, stats): a leaf, imports none of them;
 *                         system/ may use it only in tests and benches, never in production code
 *   inside system/        domain ← protocol ← transport ← server / client; the domain has no I/O;
 *                         transport, server and client reach the OS only through platform/'s
 *                         interfaces (clock, network, disk, random), and only entry points,
 *                         tests, benches and test helpers pick the Node implementations
 *   sim/                  the simulator: may use system/, testbed/ and the judge's checker and
 *                         report; nothing imports it, and the judge imports neither it nor system/
 *   everywhere            no circles
 */
/** System code that is not part of the product: tests, benches, test helpers. */
const SYSTEM_TOOLING = '(\\.test\\.ts$|^system/(bench|integration|testing)/)';

module.exports = {
  forbidden: [
    {
      name: 'nothing-imports-the-simulator',
      comment: 'sim/ runs the system and calls the judge; neither the system, the judge nor the testbed tools know it.',
      severity: 'error',
      from: { path: '^(system|harness|scenarios|testbed|compose-templates|scripts)/' },
      to: { path: '^sim/' },
    },
    {
      name: 'simulator-uses-the-checker-not-the-docker-harness',
      comment: 'sim/ feeds the pure checker and the report plain data; it needs none of the Docker machinery (harness/index.ts loads testcontainers).',
      severity: 'error',
      from: { path: '^sim/' },
      to: { path: '^(harness/(?!(checker|report|logs|results|run/timeline\\.ts))|scenarios/)' },
    },
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
      to: { path: '^(system|harness|scenarios|compose-templates|sim)/' },
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
      name: 'platform-interfaces-stand-alone',
      comment: 'The seams (clock, network, disk, random, platform) are interfaces: they import nothing but each other.',
      severity: 'error',
      from: { path: '^system/platform/(clock|network|disk|random|platform)\\.ts$' },
      to: { pathNot: '^system/platform/(clock|network|disk|random|platform)\\.ts$' },
    },
    {
      name: 'domain-and-protocol-without-platform',
      comment: 'The domain and the protocol are pure: they never see the platform.',
      severity: 'error',
      from: { path: '^system/(domain|protocol)/' },
      to: { path: '^system/platform/' },
    },
    {
      name: 'os-only-through-the-platform',
      comment: 'Transport, server and client reach sockets and files through the platform interfaces, so that the simulator can stand in (config loading in config.ts reads its file directly).',
      severity: 'error',
      from: { path: '^system/(transport|server|client)/', pathNot: `${SYSTEM_TOOLING}|^system/(server|client)/(main|config)\\.ts$` },
      to: { path: '^(net|fs|fs/promises|node:net|node:fs|node:fs/promises|dns|node:dns|worker_threads|node:worker_threads)$' },
    },
    {
      name: 'node-platform-only-at-the-edges',
      comment: 'Only entry points (main.ts), tests, benches and test helpers pick the Node implementations; the rest takes a Platform.',
      severity: 'error',
      from: { path: '^system/', pathNot: `${SYSTEM_TOOLING}|^system/(server|client)/main\\.ts$|^system/platform/` },
      to: { path: '^system/platform/node-' },
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
