/**
 * The layering rules of docs/architecture.md, enforced in `npm run lint`.
 * common, types and contracts are leaves; adapters see only their own seam;
 * the engine never sees config or adapters; only cli/wire.ts picks adapters.
 */
const ADAPTERS = '^src/(source|format|destination|state)/[^/]+/';

module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
    {
      name: 'leaves-stay-leaves',
      comment: 'common, types and contracts import nothing from other layers',
      severity: 'error',
      from: { path: '^src/(common|types|contracts)/' },
      to: { path: '^src/(config|plan|engine|cli|source|format|destination|state|preflight|quality|verify)/' },
    },
    {
      name: 'config-imports-only-leaves',
      severity: 'error',
      from: { path: '^src/config/' },
      to: { path: '^src/(plan|engine|cli|source|format|destination|state)/' },
    },
    {
      name: 'plan-is-pure',
      comment: 'plan sees config, leaves and seam interfaces, never adapters or the engine',
      severity: 'error',
      from: { path: '^src/plan/' },
      to: { path: [ADAPTERS, '^src/(engine|cli)/'] },
    },
    {
      name: 'preflight-sees-seams-only',
      comment: 'preflight (check, doctor, init) reasons over config, plan, leaves and seams; wire.ts hands it adapters',
      severity: 'error',
      from: { path: '^src/preflight/' },
      to: { path: ['^src/(engine|cli)/', ADAPTERS] },
    },
    {
      name: 'engine-sees-seams-only',
      severity: 'error',
      from: { path: '^src/engine/' },
      to: { path: ['^src/(config|cli|plan)/', ADAPTERS] },
    },
    {
      name: 'adapters-see-own-seam-only',
      comment: 'an adapter imports its own seam, leaves and its own folder, never another adapter or layer',
      severity: 'error',
      from: { path: '^src/(source|format|destination|state)/([^/]+)/' },
      to: {
        path: '^src/',
        pathNot: ['^src/(common|types|contracts)/', '^src/$1/[^/]+\\.ts$', '^src/$1/$2/'],
      },
    },
    {
      name: 'seams-see-leaves-only',
      severity: 'error',
      from: { path: '^src/(source|format|destination|state)/[^/]+\\.ts$' },
      to: { path: '^src/', pathNot: ['^src/(common|types|contracts)/', '^src/$1/[^/]+\\.ts$'] },
    },
    {
      name: 'only-wire-picks-adapters',
      comment: 'inside cli/, concrete adapters are chosen in wire.ts (the demo owns its embedded server)',
      severity: 'error',
      from: { path: '^src/cli/', pathNot: ['^src/cli/wire\\.ts$', '\\.test\\.ts$'] },
      to: { path: ADAPTERS },
    },
    {
      name: 'no-tests-in-production',
      severity: 'error',
      from: { path: '^src/', pathNot: '\\.(test|contract)\\.ts$' },
      to: { path: ['\\.(test|contract)\\.ts$', '^test/'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '\\.(test|contract)\\.ts$' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'], extensions: ['.ts', '.js'] },
  },
};
