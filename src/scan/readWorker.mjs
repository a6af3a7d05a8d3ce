// Bootstrap for pool workers: worker threads do not inherit the parent's TypeScript loader.
import { register } from 'tsx/esm/api';

register();
const { default: readStoredImage } = await import('./readWorker.ts');
export default readStoredImage;
