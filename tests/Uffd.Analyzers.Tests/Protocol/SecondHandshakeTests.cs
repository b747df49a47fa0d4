using Uffd.Analyzers.Protocol;
using Uffd.Analyzers.Tests.Infrastructure;

namespace Uffd.Analyzers.Tests.Protocol;

public sealed class SecondHandshakeTests
{
    private const string Native = """
        using System.Runtime.InteropServices;
        using Uffd;

        internal static unsafe class Native
        {
            public const ulong UFFDIO_API = 0xC018AA3F;
            public const ulong UFFDIO_REGISTER = 0xC020AA00;

            [DllImport("libc", SetLastError = true)]
            public static extern int ioctl(int fd, ulong request, void* arg);

            [DllImport("libc", EntryPoint = "ioctl", SetLastError = true)]
            public static extern int ioctl(SafeHandle fd, uint request, void* arg);

            [DllImport("libc", SetLastError = true)]
            public static extern long syscall(long number, int flags);
        }

        """;

    [Fact]
    public Task UFFDIO_API_on_the_fd_of_a_Userfaultfd_is_reported_on_the_call() =>
        Verify<SecondHandshakeAnalyzer>.Analyzer(Native + """
            public static unsafe class Probe
            {
                public static int Again(Userfaultfd uffd, void* api) =>
                    {|#0:Native.ioctl(uffd.Handle.DangerousGetFd(), Native.UFFDIO_API, api)|};
            }
            """,
            Verify<SecondHandshakeAnalyzer>.Diagnostic("UFFD0052").WithLocation(0).WithArguments("uffd"));

    [Fact]
    public Task The_handle_itself_a_local_and_other_integer_types_are_reported() =>
        Verify<SecondHandshakeAnalyzer>.Analyzer(Native + """
            public sealed unsafe class Probe
            {
                private readonly Userfaultfd uffd = Userfaultfd.Create();

                public void Again(void* api)
                {
                    int fd = uffd.Handle.DangerousGetFd();
                    var handle = this.uffd.Handle;
                    int viaHandle = handle.DangerousGetFd();
                    {|UFFD0052:Native.ioctl(fd, 0xC018AA3F, api)|};
                    {|UFFD0052:Native.ioctl(uffd.Handle, 0xC018AA3Fu, api)|};
                    {|UFFD0052:Native.ioctl(viaHandle, unchecked((ulong)(int)0xC018AA3F), api)|};
                }
            }
            """);

    [Fact]
    public Task Other_requests_and_fds_not_from_a_Userfaultfd_are_not_reported() =>
        Verify<SecondHandshakeAnalyzer>.Analyzer(Native + """
            public static unsafe class Probe
            {
                public static void Fresh(Userfaultfd uffd, void* args, int other)
                {
                    Native.ioctl(uffd.Handle.DangerousGetFd(), Native.UFFDIO_REGISTER, args);
                    int fd = (int)Native.syscall(323, 0);
                    Native.ioctl(fd, Native.UFFDIO_API, args);
                    Native.ioctl(other, Native.UFFDIO_API, args);
                    int mixed = uffd.Handle.DangerousGetFd();
                    mixed = other;
                    Native.ioctl(mixed, Native.UFFDIO_API, args);
                }
            }
            """);
}
