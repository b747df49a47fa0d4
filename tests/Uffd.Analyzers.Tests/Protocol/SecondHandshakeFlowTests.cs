using Uffd.Analyzers.Protocol;
using Uffd.Analyzers.Tests.Infrastructure;

namespace Uffd.Analyzers.Tests.Protocol;

/// <summary>UFFD0052 one call deep, through readonly fields, and twice on one raw descriptor.</summary>
public sealed class SecondHandshakeFlowTests
{
    private const string Native = """
        using System.Runtime.InteropServices;
        using Uffd;

        internal static unsafe class Native
        {
            public const uint UFFDIO_API = 0xC018AA3F;

            [DllImport("libc", SetLastError = true)]
            public static extern int ioctl(int fd, uint request, ulong* arg);

            [DllImport("libc", SetLastError = true)]
            public static extern long syscall(long number, int flags);
        }

        """;

    [Fact]
    public Task Helpers_that_make_the_handshake_or_return_the_descriptor_are_followed() =>
        Verify<SecondHandshakeAnalyzer>.Analyzer(Native + """
            public sealed unsafe class Probe
            {
                private readonly int _fd;

                public Probe(Userfaultfd uffd) => _fd = uffd.Handle.DangerousGetFd();

                private static int Negotiate(int fd, ulong* api) => Native.ioctl(fd, Native.UFFDIO_API, api);

                private static int DescriptorOf(Userfaultfd uffd) => uffd.Handle.DangerousGetFd();

                public void Again(Userfaultfd uffd, ulong* api)
                {
                    {|UFFD0052:Negotiate(uffd.Handle.DangerousGetFd(), api)|};
                    {|UFFD0052:Native.ioctl(DescriptorOf(uffd), Native.UFFDIO_API, api)|};
                    {|UFFD0052:Native.ioctl(_fd, Native.UFFDIO_API, api)|};
                }
            }
            """);

    [Fact]
    public Task A_second_handshake_on_one_raw_descriptor_is_reported() =>
        Verify<SecondHandshakeAnalyzer>.Analyzer(Native + """
            public static unsafe class Probe
            {
                public static int Open(ulong* api)
                {
                    int fd = (int)Native.syscall(323, 0x80800);
                    if (Native.ioctl(fd, Native.UFFDIO_API, api) != 0)
                    {
                        return -1;
                    }

                    return {|#0:Native.ioctl(fd, Native.UFFDIO_API, api)|};
                }
            }
            """,
            Verify<SecondHandshakeAnalyzer>.Diagnostic("UFFD0052").WithLocation(0).WithArguments("fd"));

    [Fact]
    public Task One_handshake_per_raw_descriptor_on_exclusive_branches_or_fresh_descriptors_is_not_reported() =>
        Verify<SecondHandshakeAnalyzer>.Analyzer(Native + """
            public static unsafe class Probe
            {
                private static int Fresh(ulong* api)
                {
                    int fd = (int)Native.syscall(323, 0x80800);
                    return Native.ioctl(fd, Native.UFFDIO_API, api) == 0 ? fd : -1;
                }

                public static void Two(ulong* api, bool withFeatures)
                {
                    int a = Fresh(api);
                    int b = Fresh(api);
                    int fd = (int)Native.syscall(323, 0x80800);
                    if (withFeatures)
                    {
                        Native.ioctl(fd, Native.UFFDIO_API, api);
                    }
                    else
                    {
                        Native.ioctl(fd, Native.UFFDIO_API, api);
                    }

                    int again = (int)Native.syscall(323, 0x80800);
                    Native.ioctl(again, Native.UFFDIO_API, api);
                    again = (int)Native.syscall(323, 0x80800);
                    Native.ioctl(again, Native.UFFDIO_API, api);
                }
            }
            """);
}
