/** Pure parsers for scanimage output: the device list and a device's option list. */
import type {
  ColorMode,
  ModeCapability,
  PageSizeMm,
  PaperSource,
  ResolutionRange,
  SourceCapability,
} from '../contract';

// ---------------------------------------------------------------- devices

export const DEVICE_LIST_SEPARATOR = '\t';
/** The `scanimage -f` format matching `parseDeviceList`. */
export const DEVICE_LIST_FORMAT = ['%d', '%v', '%m', '%t'].join(DEVICE_LIST_SEPARATOR) + '%n';

export interface SaneDevice {
  readonly name: string;
  readonly vendor: string;
  readonly model: string;
  readonly type: string;
}

export function parseDeviceList(stdout: string): SaneDevice[] {
  return stdout
    .split('\n')
    .map((line) => line.replace(/\r$/, ''))
    .filter((line) => line.includes(DEVICE_LIST_SEPARATOR))
    .map((line) => {
      const [name = '', vendor = '', model = '', type = ''] = line.split(DEVICE_LIST_SEPARATOR);
      return { name, vendor, model, type };
    })
    .filter((d) => d.name !== '');
}

// ---------------------------------------------------------------- options

export interface SaneOption {
  /** As written on the command line: `--source`, `-x`. */
  readonly name: string;
  /** A list constraint (`A|B|C`), unit stripped from numbers. */
  readonly values?: readonly string[];
  readonly range?: ResolutionRange;
  readonly unit?: string;
  readonly current?: string;
  readonly inactive: boolean;
}

const OPTION_LINE = /^ {4}(-{1,2}[A-Za-z0-9][\w-]*)(?:\[=\(([^)]*)\)\])?(?: (.*))?$/;
const TRAILING_DEFAULT = / \[([^\]]*)\]$/;
const STEPS = /\s*\(in steps of ([\d.]+)\)/;
const RANGE = /^(-?[\d.]+)\.\.(-?[\d.]+)([a-z%]*)(,\.\.\.)?$/i;
const NUMBER_WITH_UNIT = /^(-?[\d.]+)([a-z%]*)$/i;

/** Parses the device-specific part of `scanimage -d DEV --help` (or `-A`). */
export function parseOptionHelp(text: string): SaneOption[] {
  const lines = text.split('\n').map((l) => l.replace(/\r$/, ''));
  const start = lines.findIndex((l) => /^Options specific to device/.test(l));
  const options: SaneOption[] = [];
  for (const line of start >= 0 ? lines.slice(start + 1) : lines) {
    if (/^Type ``scanimage --help/.test(line) || /^List of available devices/.test(line)) break;
    const match = OPTION_LINE.exec(line);
    if (match === null) continue;
    const name = match[1] ?? '';
    const boolValues = match[2];
    // a leading space lets TRAILING_DEFAULT match an option that has only `[default]`
    let rest = ` ${match[3] ?? ''}`;
    let current: string | undefined;
    const trailing = TRAILING_DEFAULT.exec(rest);
    if (trailing !== null) {
      current = trailing[1];
      rest = rest.slice(0, trailing.index);
    }
    const inactive = current === 'inactive';
    const steps = STEPS.exec(rest);
    rest = rest.replace(STEPS, '').trim();
    const base = { name, inactive, ...(current === undefined || inactive ? {} : { current }) };
    if (boolValues !== undefined) {
      options.push({ ...base, values: boolValues.split('|') });
      continue;
    }
    const range = RANGE.exec(rest);
    if (range !== null) {
      const unit = range[3] ?? '';
      options.push({
        ...base,
        range: { min: Number(range[1]), max: Number(range[2]), step: steps ? Number(steps[1]) : 0 },
        ...(unit === '' ? {} : { unit }),
      });
      continue;
    }
    if (rest === '' || rest.startsWith('<')) {
      options.push(base);
      continue;
    }
    const parts = rest.split('|');
    const last = parts[parts.length - 1] ?? '';
    const numeric = NUMBER_WITH_UNIT.exec(last);
    if (numeric !== null && parts.slice(0, -1).every((p) => /^-?[\d.]+$/.test(p))) {
      const unit = numeric[2] ?? '';
      parts[parts.length - 1] = numeric[1] ?? last;
      options.push({ ...base, values: parts, ...(unit === '' ? {} : { unit }) });
    } else {
      options.push({ ...base, values: parts });
    }
  }
  return options;
}

// ---------------------------------------------------------------- classification

/** Which paper source a vendor's `--source` value means, by its words; never one fixed name. */
export function classifySourceName(vendorName: string): PaperSource | undefined {
  const n = vendorName.toLowerCase();
  if (n.includes('duplex')) return 'duplex';
  if (/\badf\b|adf|feeder|document/.test(n)) return 'feeder';
  if (/flatbed|platen|glass|normal/.test(n)) return 'flatbed';
  return undefined;
}

/** Prefer the front or plain variant over `ADF Back`, `Card Back`. */
function sourcePreference(vendorName: string): number {
  const n = vendorName.toLowerCase();
  if (n.includes('back')) return 0;
  if (n.includes('front')) return 2;
  return 1;
}

export function sourcesFromNames(names: readonly string[]): SourceCapability[] {
  const best = new Map<PaperSource, string>();
  for (const name of names) {
    const source = classifySourceName(name);
    if (source === undefined) continue;
    const held = best.get(source);
    if (held === undefined || sourcePreference(name) > sourcePreference(held)) best.set(source, name);
  }
  const order: PaperSource[] = ['flatbed', 'feeder', 'duplex'];
  return order.flatMap((source) => {
    const vendorName = best.get(source);
    return vendorName === undefined ? [] : [{ source, vendorName }];
  });
}

/** Which colour mode a vendor's `--mode` value means; dithered and bi-level modes are none. */
export function classifyModeName(vendorName: string): ColorMode | undefined {
  const n = vendorName.toLowerCase();
  if (/lineart|halftone|binary|dither|diffusion|black ?& ?white|monochrome/.test(n)) return undefined;
  if (/gr[ae]y/.test(n)) return 'gray';
  if (/colou?r|rgb/.test(n)) return 'color';
  return undefined;
}

/** Prefer plain 8-bit modes (`Gray`, `True Gray`, `Color`) over `48bit`, `16`, `[Fast]` variants. */
function modePreference(vendorName: string): number {
  const n = vendorName.toLowerCase();
  let score = 2;
  if (/\[|fast|draft/.test(n)) score -= 1;
  if (/16|48/.test(n)) score -= 1;
  return score;
}

export function modesFromNames(names: readonly string[]): ModeCapability[] {
  const best = new Map<ColorMode, string>();
  for (const name of names) {
    const mode = classifyModeName(name);
    if (mode === undefined) continue;
    const held = best.get(mode);
    if (held === undefined || modePreference(name) > modePreference(held)) best.set(mode, name);
  }
  const order: ColorMode[] = ['gray', 'color'];
  return order.flatMap((mode) => {
    const vendorName = best.get(mode);
    return vendorName === undefined ? [] : [{ mode, vendorName }];
  });
}

export const findOption = (options: readonly SaneOption[], name: string): SaneOption | undefined =>
  options.find((o) => o.name === name);

/** Scan-area maximum from the `-x` / `-y` ranges, when they are in mm. */
export function maxPageSizeFrom(options: readonly SaneOption[]): PageSizeMm | undefined {
  const x = findOption(options, '-x');
  const y = findOption(options, '-y');
  if (x?.range === undefined || y?.range === undefined) return undefined;
  if (x.unit !== 'mm' || y.unit !== 'mm') return undefined;
  return { width: x.range.max, height: y.range.max };
}
