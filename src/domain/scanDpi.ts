/**
 * The resolution scanners are asked for, and assumed for image files that do not say theirs (docs/scanners.md: grey
 * at 300 dpi): the default of the station setting scanDpi. Apart from the settings schema so that the CLI can show it
 * in its help without loading zod.
 */
export const DEFAULT_SCAN_DPI = 300;
