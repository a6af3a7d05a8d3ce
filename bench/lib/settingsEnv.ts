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
