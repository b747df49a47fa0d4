using System.Runtime.InteropServices;

namespace Uffd.Interop;

/// <summary>
/// Process descriptors (pidfd, Linux 5.3) and the peer credentials of a Unix domain socket: how a handler process
/// learns which process it serves and sees that process end (a uffd never reports it: no POLLHUP, no EOF).
/// </summary>
internal static unsafe partial class ProcessAbi
{
    private const string Lib = "libc";

    /// <summary>x86_64 and arm64 share these numbers (the generic syscall table).</summary>
    public const long SYS_pidfd_open = 434;
    public const long SYS_pidfd_send_signal = 424;

    public const int SO_PEERCRED = 17;

    /// <summary>sizeof(struct ucred): pid, uid, gid, three 32-bit integers.</summary>
    public const int UcredSize = 12;

    public const int SIGKILL = 9;

    [LibraryImport(Lib, EntryPoint = "syscall", SetLastError = true)]
    private static partial long syscall2(long number, long arg0, long arg1);

    [LibraryImport(Lib, EntryPoint = "syscall", SetLastError = true)]
    private static partial long syscall4(long number, long arg0, long arg1, long arg2, long arg3);

    /// <summary>A descriptor that becomes readable when process <paramref name="pid"/> exits; -1 with errno (ESRCH: already gone).</summary>
    public static int PidfdOpen(int pid) => (int)syscall2(SYS_pidfd_open, pid, 0);

    /// <summary>Sends <paramref name="signal"/> through a pidfd (never to a process that reused the number); 0 or -1 with errno.</summary>
    public static int PidfdSendSignal(int pidfd, int signal) => (int)syscall4(SYS_pidfd_send_signal, pidfd, signal, 0, 0);
}
