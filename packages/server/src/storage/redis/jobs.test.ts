// Runs the job store contract on RedisJobStore: the shared Redis, a random key prefix per test, removed afterwards.
import { jobStoreContract, type JobStoreHarness } from '../job-contract.js';
import { RedisJobStore } from './jobs.js';
import { deletePrefix, randomPrefix, TEST_REDIS_URL } from './testing.js';

jobStoreContract('redis', async (): Promise<JobStoreHarness> => {
  const prefix = randomPrefix();
  let current = new RedisJobStore({ url: TEST_REDIS_URL, prefix });
  return {
    store: current,
    reopen: async () => {
      await current.close();
      current = new RedisJobStore({ url: TEST_REDIS_URL, prefix });
      return current;
    },
    cleanup: async () => {
      await current.close();
      await deletePrefix(prefix);
    },
  };
});
