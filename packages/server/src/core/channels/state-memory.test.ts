// Runs the ChannelState contract on the in-process implementation.
import { channelStateContract } from './state-contract.js';
import { MemoryChannelState } from './state-memory.js';

channelStateContract('memory', async () => {
  const state = new MemoryChannelState();
  return { state, cleanup: () => state.close() };
});
