// Gate for tests that need root, BPF, clang and libbpf. Outside CI such a test skips with the
// reason; with GOTRACE_REQUIRE_BPF=1 (CI) the same condition is a failure, so an e2e suite can
// never pass by skipping.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

export function bpfUnavailableReason(): string | undefined {
  if (process.getuid?.() !== 0) return 'not root (BPF and uprobes need root)';
  if (!fs.existsSync('/sys/kernel/btf/vmlinux')) return 'kernel without BTF';
  if (!fs.existsSync('/sys/bus/event_source/devices/uprobe/type')) return 'kernel without the uprobe PMU';
  try {
    execFileSync('clang', ['--version'], { stdio: 'ignore' });
  } catch {
    return 'clang not installed';
  }
  if (!fs.existsSync('/usr/include/bpf/bpf_helpers.h')) return 'libbpf-dev not installed';
  try {
    execFileSync('go', ['version'], { stdio: 'ignore' });
  } catch {
    return 'go not installed';
  }
  return undefined;
}

interface TapLike {
  fail(msg: string): unknown;
  plan(n: number, why?: string): unknown;
}

/** True when the test may go on; otherwise it has been failed (CI) or skipped with the reason
 *  (a plan of 0 with a reason is tap's way for a test to skip itself). */
export function requireBpf(t: TapLike): boolean {
  const why = bpfUnavailableReason();
  if (!why) return true;
  if (process.env.GOTRACE_REQUIRE_BPF === '1') t.fail(`BPF required (GOTRACE_REQUIRE_BPF=1) but ${why}`);
  else t.plan(0, why);
  return false;
}
