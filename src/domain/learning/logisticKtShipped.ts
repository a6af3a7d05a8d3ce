import { LogisticKtParams } from './logisticKt';
import shipped from './params/logistic-kt.json';

/** The parameter set shipped in the repository (tools/fitLogisticKt.ts writes it); a district bundle may replace it later. */
export const SHIPPED_LOGISTIC_PARAMS: LogisticKtParams = LogisticKtParams.parse(shipped);
