// Errors raised while reading a target binary.
//
// A wrong path or a file that is not a Go x86-64 ELF is a user mistake, not a
// bug, so the message is written for the user and carries no stack-flavoured
// detail. Callers turn it into a Diagnostic; they should not need to parse it.
export class GoBinaryError extends Error {
  override name = 'GoBinaryError';
}
