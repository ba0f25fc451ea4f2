import { describeStateContract } from '../state.contract.js';
import { createMemoryState } from './memory-state.js';

describeStateContract('memory state', async () => createMemoryState());
