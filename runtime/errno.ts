// syscall.Errno's Error(): Go's own table of Linux error strings (syscall/zerrors_linux_amd64.go,
// the same words as strerror in lower case), for the errors Go programs meet most; others print
// as Go prints an errno it has no string for.
const MESSAGES: Record<number, string> = {
  1: 'operation not permitted',
  2: 'no such file or directory',
  3: 'no such process',
  4: 'interrupted system call',
  5: 'input/output error',
  9: 'bad file descriptor',
  11: 'resource temporarily unavailable',
  12: 'cannot allocate memory',
  13: 'permission denied',
  16: 'device or resource busy',
  17: 'file exists',
  20: 'not a directory',
  21: 'is a directory',
  22: 'invalid argument',
  24: 'too many open files',
  28: 'no space left on device',
  32: 'broken pipe',
  36: 'file name too long',
  39: 'directory not empty',
  98: 'address already in use',
  99: 'cannot assign requested address',
  104: 'connection reset by peer',
  110: 'connection timed out',
  111: 'connection refused',
  113: 'no route to host',
};

export function errnoText(n: bigint): string {
  return MESSAGES[Number(n)] ?? `errno ${n}`;
}
