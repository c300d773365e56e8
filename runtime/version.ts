// gotrace's version, in a module of its own: bin/gotrace answers --version from here without
// loading the CLI.
export const VERSION = '0.1.0';
