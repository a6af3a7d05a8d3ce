import type { CohortConfig } from './armSetup';
import { DEFAULT_LEARNER, type LearnerParams } from './learner';

/**
 * Every simulator assumption that moves the comparison, with its central value, the range the sweep
 * tries and where the numbers come from (docs/mastery.md has the table). A world is the central
 * config with one assumption moved to one end of its range.
 */
export type Assumption = {
  readonly name: string;
  readonly central: string;
  readonly values: readonly { readonly label: string; readonly config: Partial<CohortConfig> }[];
  readonly source: string;
};

const learner = (p: Partial<LearnerParams>): Partial<CohortConfig> => ({ learner: p });

export const ASSUMPTIONS: readonly Assumption[] = [
  {
    name: 'prerequisitePenalty',
    central: String(DEFAULT_LEARNER.prerequisitePenalty),
    values: [0.5, 0.7, 1].map((v) => ({ label: String(v), config: learner({ prerequisitePenalty: v }) })),
    source: 'none measured: 0.3 is a guess; 1.0 = prerequisites do not gate learning at all (the issue 14 counter-case)',
  },
  {
    name: 'learnLogSd',
    central: String(DEFAULT_LEARNER.learnLogSd),
    values: [0.15, 0.6].map((v) => ({ label: String(v), config: learner({ learnLogSd: v }) })),
    source: 'spread of learning rates across students; Koedinger et al. 2023 (PNAS) find rates similar across students (small SD), so 0.6 is a pessimistic end',
  },
  {
    name: 'skillSd',
    central: String(DEFAULT_LEARNER.skillSd),
    values: [0.3, 1].map((v) => ({ label: String(v), config: learner({ skillSd: v }) })),
    source: 'per-skill deviation of a student from their general level (logits); no measurement for this graph',
  },
  {
    name: 'itemNoiseSd',
    central: String(DEFAULT_LEARNER.itemNoiseSd),
    values: [0.1, 0.6].map((v) => ({ label: String(v), config: learner({ itemNoiseSd: v }) })),
    source: 'error of the bank author’s difficulty (logits); teacher-estimated difficulty correlates only moderately with empirical difficulty (Impara & Plake 1998)',
  },
  {
    name: 'guess/slip',
    central: `${DEFAULT_LEARNER.guess}/${DEFAULT_LEARNER.slip}`,
    values: [
      { label: '0.05/0.03', config: learner({ guess: 0.05, slip: 0.03 }) },
      { label: '0.25/0.15', config: learner({ guess: 0.25, slip: 0.15 }) },
    ],
    source: 'fitted BKT guess and slip are typically 0.1–0.3 and 0.05–0.15 (Baker, Corbett & Aleven 2008)',
  },
  {
    name: 'classCalendarDays',
    central: '15',
    values: [30, 40].map((d) => ({ label: String(d), config: { calendarShare: d / 20 } })),
    source: 'school days the class sheet spends teaching the unit before reviewing; a teacher’s plan, not measured',
  },
  {
    name: 'classReview',
    central: 'model',
    values: (['latent', 'round_robin'] as const).map((v) => ({ label: v, config: { uniformReview: v } })),
    source: 'what the class sheet reviews after its calendar: the class report’s weakest skills, what students truly lack, or every skill in turn',
  },
];

/** The central world plus every assumption moved to each value in its range. */
export function sweepWorlds(): { readonly label: string; readonly config: Partial<CohortConfig> }[] {
  return [{ label: 'central', config: {} }, ...ASSUMPTIONS.flatMap((a) => a.values.map((v) => ({ label: `${a.name}=${v.label}`, config: v.config })))];
}
