// Test setup: the browser tests open the built app (dist/ui), so build it when src/ui is newer than the build.
export async function setup() {
  // @ts-expect-error: a plain ESM tool script without types
  const { buildUiIfStale } = (await import('../../tools/build-ui.mjs')) as { buildUiIfStale: () => Promise<boolean> };
  await buildUiIfStale();
}
