using System.Runtime.InteropServices;

namespace Uffd.Runtime.Tests.Kernel.Support;

/// <summary>
/// The few libc calls the kernel tests need beyond the runtime's own interop: kernel-mode probes (pipe/write),
/// child processes that run no managed code (glibc clone with a libc function as the entry point) and waitpid.
/// </summary>
internal static unsafe partial class TestLibc
{
    private const string Lib = "libc";

    public const int SIGKILL = 9;
    public const int SIGBUS = 7;
    public const int SIGSEGV = 11;
    public const int SIGCHLD = 17;
    public const int WNOHANG = 1;
    public const int EFAULT = 14;
    public const int O_CLOEXEC = 0x80000;

    [LibraryImport(Lib, SetLastError = true)]
    public static partial int pipe2(int* fds, int flags);

    [LibraryImport(Lib, SetLastError = true)]
    public static partial nint write(int fd, nint buffer, nuint count);

    [LibraryImport(Lib, SetLastError = true)]
    public static partial int close(int fd);

    [LibraryImport(Lib, SetLastError = true)]
    public static partial int waitpid(int pid, int* status, int options);

    [LibraryImport(Lib, SetLastError = true)]
    public static partial int kill(int pid, int signal);

    /// <summary>glibc <c>clone(fn, stack, flags, arg)</c>; variadic in C, but the fixed integer arguments travel in registers.</summary>
    [LibraryImport(Lib, SetLastError = true)]
    public static partial int clone(nint fn, nint stackTop, int flags, nint arg);

    public static bool WIFEXITED(int status) => (status & 0x7f) == 0;

    public static int WEXITSTATUS(int status) => (status >> 8) & 0xff;

    public static bool WIFSIGNALED(int status) => ((status & 0x7f) + 1) >> 1 > 0 && (status & 0x7f) != 0x7f;

    public static int WTERMSIG(int status) => status & 0x7f;
}
