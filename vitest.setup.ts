import fc from "fast-check";

// Property tests explore a new random seed on every local run, which is how they find bugs.
// CI pins the seed so that whether a commit lands never depends on a dice roll; a failure
// anywhere prints its seed, and FC_SEED=<seed> replays it.
const pinned = process.env.FC_SEED ?? (process.env.CI ? "20261124" : undefined);
if (pinned !== undefined) fc.configureGlobal({ seed: Number(pinned) });
