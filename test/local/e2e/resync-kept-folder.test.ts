import { describeResyncWhileWriting } from './resync-scenario.ts';

// The reload keeps the folder and numbers its LOAD files from 1 again, over the old ones: the prune must keep those.
describeResyncWhileWriting('kept, numbered again');
