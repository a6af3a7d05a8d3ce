/**
 * The learning loop: mastery (online Elo / 1PL), prerequisites (outer fringe, remediation), review of
 * mistakes (FSRS), next-day selection within the workload cap, and class analytics. Pure: dates and
 * seeds come in as data. docs/mastery.md describes the model, the settings and the rules.
 */
export {
  DEFAULT_LEARNING_SETTINGS,
  LearningSettings,
  learningSettings,
  type LearningSettingsInput,
  type ModelParams,
  type SettingsError,
} from './settings';
export { indexBank, itemsFor, type BankIndex, type BankItem } from './bank';
export {
  emptyMasteryState,
  exportCalibration,
  itemParam,
  masteryConfidence,
  masteryFromJson,
  masteryOf,
  masteryToJson,
  MasteryStateJson,
  outcomeOf,
  predictCorrect,
  replaceCalibration,
  replayWithPredictions,
  skillRecord,
  updateMastery,
  type Calibration,
  type CalibrationSource,
  type DifficultySource,
  type ItemParam,
  type Mastery,
  type MasteryJsonError,
  type MasteryState,
  type SkillRecord,
} from './mastery';
export { fringeFor, skillGraph, skillName, type Candidate, type FringeResult, type SkillGraph } from './fringe';
export {
  daysUntilDue,
  dueReviews,
  emptyReviewState,
  reviewScheduler,
  reviewsFromJson,
  reviewsToJson,
  ReviewStateJson,
  updateReviews,
  type ReviewCard,
  type ReviewItemSource,
  type ReviewState,
} from './review';
export {
  reasons,
  selectNextDay,
  skillTier,
  subjectBudgetMinutes,
  tierForP,
  tierFromMastery,
  type ChosenItem,
  type DroppedItem,
  type NextDayInput,
  type Reason,
  type ReasonKey,
  type SelectionError,
  type StudentPlan,
  type TeacherOverrides,
} from './nextDay';
export {
  classAnalytics,
  type ClassAnalytics,
  type ClassAnalyticsInput,
  type Heatmap,
  type HelpReason,
  type ItemStats,
  type Misconception,
  type StudentSummary,
} from './analytics';
export { auc, logLoss, pearson } from './metrics';
export { FEATURES, fitLogistic, LogisticKt, LogisticKtParams, replayLogistic, untrainedLogisticParams, type FeatureName, type ItemPriorSource } from './logisticKt';
export { SHIPPED_LOGISTIC_PARAMS } from './logisticKtShipped';
export { chooseModel, masteryByRule, withLogisticMastery, type ModelChoice, type Predictor } from './modelChoice';
export { addDays, dayNumber, daysBetween, isIsoDate } from './dates';
export { generateBank, type BankGeneratorOptions } from './testing/bankGenerator';
export { G7_MATH_ALL, G7_MATH_SKILLS, G7_RATIONAL_UNIT } from './testing/g7MathGraph';
export { ktResponses, parseKtTsv, type KtRow } from './testing/ktSpanish';
