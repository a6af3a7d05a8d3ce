/**
 * Fits the logistic KT model (src/domain/learning/logisticKt.ts) on the Spanish sample in
 * fixtures/external/kt and writes src/domain/learning/params/logistic-kt.json, the parameter set
 * the station ships. Deterministic: the same data gives the same file.
 *
 *   node --import tsx tools/fitLogisticKt.ts [--epochs 4]
 *
 * The shipped set is fitted on every student of the sample, so it must not be evaluated on them:
 * bench/kt.bench.ts refits it per fold (`fitShippedLogistic` with the other folds' students) and
 * predicts each student with a set that never saw that student.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fitShippedLogistic, LOGISTIC_FIT } from '../src/domain/learning/logisticKtFit';
import { loadSpanishKt, REPO } from '../bench/lib/data';

const { values } = parseArgs({ options: { epochs: { type: 'string', default: String(LOGISTIC_FIT.epochs) } } });
const { responses } = loadSpanishKt();
const students = new Set(responses.map((r) => r.studentId)).size;
const params = fitShippedLogistic(responses, { epochs: Number(values.epochs), version: 'logistic-kt/spanish-1', fittedOn: `Spanish KT sample (fixtures/external/kt), ${students} students, ${responses.length} answers, ${values.epochs} epochs` });
const out = join(REPO, 'src', 'domain', 'learning', 'params', 'logistic-kt.json');
writeFileSync(out, `${JSON.stringify(params, null, 2)}\n`);
console.log(`wrote ${out}`);
