// Declarations of the public entry points (`foresight/plugin`, `foresight/testing`), one bundled
// file each, so type-checking a plugin reads these and never the engine's sources.
// Built by `npm run build:types` (at install, `prepare`, and before `npm test`).
module.exports = {
  compilationOptions: { preferredConfigPath: '../tsconfig.types.json' },
  entries: [
    { filePath: '../engine/plugin/index.ts', outFile: '../dist/types/plugin.d.ts', output: { noBanner: true } },
    { filePath: '../engine/testing/index.ts', outFile: '../dist/types/testing.d.ts', output: { noBanner: true } },
  ],
};
