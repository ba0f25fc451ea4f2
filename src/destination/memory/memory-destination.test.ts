import { describeDestinationContract } from '../destination.contract.js';
import { MemoryDestination } from './memory-destination.js';

describeDestinationContract('MemoryDestination', async () => {
  const destination = new MemoryDestination();
  return {
    destination,
    visibleKeys: async () => [...destination.objects.keys()].sort(),
    allKeys: async () => [...destination.objects.keys()].sort(),
    cleanup: async () => undefined,
  };
});
