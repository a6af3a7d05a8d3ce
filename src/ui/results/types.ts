import type { OutputOf } from '../api';

/** The Results screen's data, as the classResults handler returns it. */
export type ClassResults = OutputOf<'classResults'>;
export type ResultsView = NonNullable<ClassResults['results']>;
export type ItemRow = ResultsView['items'][number];
export type FlagRules = ResultsView['flagRules'];
