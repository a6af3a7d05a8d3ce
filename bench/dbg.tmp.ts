import { simulateArm } from '../src/domain/learning/cohortSim';
const r = simulateArm({ seed: 1, debug: true }, 'personalised');
