import { describeResyncWhileWriting } from './resync-scenario.ts';

// The data plane's default reading: the reload empties the table's folder, CDC files included.
describeResyncWhileWriting('emptied');
