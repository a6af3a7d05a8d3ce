import { simulateArm } from '../src/domain/learning/cohortSim';
simulateArm({ seed: 1, debug: true }, 'personalised');
