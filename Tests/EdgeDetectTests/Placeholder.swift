// Placeholder until the target's tests land.
