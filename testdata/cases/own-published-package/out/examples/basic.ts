import { Trace, startTrace } from 'my-lib';
import { TraceBadge } from '@acme/ui';

const trace: Trace = startTrace('s-1');
console.log(TraceBadge({ id: trace.id }));
