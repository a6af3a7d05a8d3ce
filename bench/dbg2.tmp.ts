import { simulateArm } from '../src/domain/learning/cohortSim';
import { LearningSettings } from '../src/domain/learning/settings';
const v = JSON.parse(process.argv[2] ?? '{}');
simulateArm({ seed: 1, debug: true, settings: LearningSettings.parse(v) }, 'personalised');
