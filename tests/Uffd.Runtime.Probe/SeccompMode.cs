using System;
using System.Runtime.InteropServices;

namespace Uffd.Runtime.Probe;

/// <summary>
/// Installs a seccomp filter on every thread of this process, as a container runtime does before it starts the
/// program, then creates a uffd like <c>create</c>. The filter answers <c>userfaultfd(2)</c> with EPERM (Docker's default
/// profile) or ENOSYS, and with <c>syscall+device</c> also <c>ioctl(USERFAULTFD_IOC_NEW)</c>; everything else is allowed.
/// </summary>
internal static unsafe partial class SeccompMode
{
    private const int PrSetNoNewPrivs = 38;
    private const uint SeccompSetModeFilter = 1;
    private const uint SeccompFilterFlagTsync = 1;
    private const uint SeccompRetAllow = 0x7fff_0000;
    private const uint SeccompRetErrno = 0x0005_0000;
    private const uint UserfaultfdIocNew = 0xAA00;

    // Classic BPF opcodes: BPF_LD | BPF_W | BPF_ABS, BPF_JMP | BPF_JEQ | BPF_K, BPF_RET | BPF_K.
    private const ushort LoadWord = 0x20;
    private const ushort JumpIfEqual = 0x15;
    private const ushort Return = 0x06;

    // Offsets in struct seccomp_data: nr, arch, then args[6] from 16 (the low half of args[1] at 24 on little endian).
    private const uint NrOffset = 0;
    private const uint ArchOffset = 4;
    private const uint Arg1LowOffset = 24;

    public static int Run(string errno, string scope, UserModeOnlyPolicy policy)
    {
        uint error = errno switch
        {
            "eperm" => 1,
            "enosys" => 38,
            _ => throw new ArgumentException($"unknown errno '{errno}': expected eperm or enosys"),
        };
        bool device = scope switch
        {
            "syscall" => false,
            "syscall+device" => true,
            _ => throw new ArgumentException($"unknown scope '{scope}': expected syscall or syscall+device"),
        };

        (uint arch, uint userfaultfd, uint ioctl, long seccomp) = RuntimeInformation.ProcessArchitecture switch
        {
            Architecture.X64 => (0xC000_003Eu, 323u, 16u, 317L),
            Architecture.Arm64 => (0xC000_00B7u, 282u, 29u, 277L),
            var other => throw new PlatformNotSupportedException($"no seccomp numbers for {other}"),
        };

        // 0 load arch; 1 other arch -> allow; 2 load nr; 3 userfaultfd -> deny; 4 not ioctl -> allow;
        // 5 load the ioctl's request; 6 USERFAULTFD_IOC_NEW -> deny, else allow; 7 allow; 8 deny.
        SockFilter* program = stackalloc SockFilter[]
        {
            new(LoadWord, 0, 0, ArchOffset),
            new(JumpIfEqual, 0, 5, arch),
            new(LoadWord, 0, 0, NrOffset),
            new(JumpIfEqual, 4, 0, userfaultfd),
            new(JumpIfEqual, 0, 2, device ? ioctl : uint.MaxValue),
            new(LoadWord, 0, 0, Arg1LowOffset),
            new(JumpIfEqual, 1, 0, UserfaultfdIocNew),
            new(Return, 0, 0, SeccompRetAllow),
            new(Return, 0, 0, SeccompRetErrno | error),
        };
        var fprog = new SockFprog { Length = 9, Filter = program };

        // An unprivileged process may install a filter only once it can never gain privileges (execve of setuid).
        if (prctl(PrSetNoNewPrivs, 1, 0, 0, 0) != 0)
        {
            return Program.Fail(Program.Unexpected, $"PR_SET_NO_NEW_PRIVS failed: errno {Marshal.GetLastPInvokeError()}");
        }

        long result = syscall(seccomp, SeccompSetModeFilter, SeccompFilterFlagTsync, &fprog);
        if (result != 0)
        {
            return Program.Fail(Program.Unexpected, result > 0
                ? $"seccomp could not synchronize thread {result}"
                : $"seccomp(SECCOMP_SET_MODE_FILTER) failed: errno {Marshal.GetLastPInvokeError()}");
        }

        return CreateMode.Run(policy);
    }

    [StructLayout(LayoutKind.Sequential)]
    private readonly struct SockFilter(ushort code, byte jumpIfTrue, byte jumpIfFalse, uint k)
    {
        public readonly ushort Code = code;
        public readonly byte JumpIfTrue = jumpIfTrue;
        public readonly byte JumpIfFalse = jumpIfFalse;
        public readonly uint K = k;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct SockFprog
    {
        public ushort Length;
        public SockFilter* Filter;
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int prctl(int option, nuint arg2, nuint arg3, nuint arg4, nuint arg5);

    [LibraryImport("libc", SetLastError = true)]
    private static partial long syscall(long number, nuint arg0, nuint arg1, void* arg2);
}
