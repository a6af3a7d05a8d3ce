import type { CohortConfig } from '../../src/sim/armSetup';
import { DEFAULT_OBSERVER_OPTIONS, type ObserverOptions } from '../../src/sim/observerParts';
import { learningSettings, type LearningSettings } from '../../src/domain/learning/settings';

/**
 * Learning settings from an environment variable holding partial settings as JSON (the defaults when
 * unset), for the cohort benches' candidate runs: the personalised arm gets them, the class sheet
 * keeps the defaults.
 */
export function settingsFromEnv(name: string): LearningSettings {
  const parsed = learningSettings(JSON.parse(process.env[name] ?? '{}'));
  if (!parsed.ok) throw new Error(`${name}: ${JSON.stringify(parsed.error)}`);
  return parsed.value;
}

/**
 * The ideal observer's options from an environment variable (unset or 'false': off; 'true': the defaults; else JSON,
 * observerParts.ts `ObserverOptions`): the personalised arm's mastery flags then come from it (`observerMastery`).
 */
export function observerFromEnv(name: string): CohortConfig['observerMastery'] {
  const value = process.env[name];
  if (value === undefined || value === 'false') return false;
  if (value === 'true') return true;
  const options = JSON.parse(value) as Partial<ObserverOptions>;
  const unknown = Object.keys(options).filter((k) => !(k in DEFAULT_OBSERVER_OPTIONS));
  if (unknown.length) throw new Error(`${name}: unknown option ${unknown.join(', ')}; the options are ${Object.keys(DEFAULT_OBSERVER_OPTIONS).join(', ')}`);
  return options;
}

/** Whose flags label the gate check's answers (`gateLabels`) from an environment variable: unset or 'arm' (the default), or 'elo'. */
export function gateLabelsFromEnv(name: string): Pick<CohortConfig, 'gateLabels'> {
  const value = process.env[name];
  if (value === undefined || value === 'arm') return {};
  if (value === 'elo') return { gateLabels: 'elo' };
  throw new Error(`${name}=${value}: use arm or elo`);
}
