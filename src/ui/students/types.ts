import type { OutputOf } from '../api';

/** What the station says about one student (the studentDetail handler). */
export type StudentDetail = OutputOf<'studentDetail'>;
