// Bootstrap for self-test workers: worker threads do not inherit the parent's TypeScript loader.
import { register } from 'tsx/esm/api';

register();
const { default: readBackJob } = await import('./selfTestWorker.ts');
export default readBackJob;
