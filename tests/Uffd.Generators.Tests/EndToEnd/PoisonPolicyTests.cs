using Uffd.Generators.Tests.Infrastructure;

namespace Uffd.Generators.Tests.EndToEnd;

/// <summary>
/// A generated region under <c>ProviderErrorPolicy.Poison</c>. The poisoned page is touched only by the kernel
/// (<c>write(pipe, page, 1)</c>), which reports EFAULT; a user-mode touch would be SIGBUS and end the test host.
/// </summary>
public sealed class PoisonPolicyTests
{
    [Fact]
    [Trait("Requires", "root")] // Poison is observed through a kernel-mode fault, which needs CAP_SYS_PTRACE here.
    public void A_throwing_provider_under_Poison_poisons_the_page_kernel_access_gets_EFAULT_and_other_pages_read_correctly()
    {
        const string Source = """
            using System;
            using System.IO;
            using System.Runtime.InteropServices;
            using System.Threading;
            using Uffd;

            namespace E2E
            {
                [FaultRegion(Pages = 4, OnProviderError = ProviderErrorPolicy.Poison, HandlerThreads = 1)]
                public partial class Poisoned
                {
                    public static readonly InvalidDataException Thrown = new("page 1 is unreadable");
                    public readonly int[] Calls = new int[4];

                    [PageProvider]
                    private void Fill(long pageIndex, Span<byte> page)
                    {
                        Interlocked.Increment(ref Calls[pageIndex]);
                        if (pageIndex == 1) throw Thrown;
                        page.Fill((byte)('p' + pageIndex));
                    }
                }

                public static class Scenario
                {
                    [DllImport("libc", SetLastError = true)] private static extern int pipe2(int[] fds, int flags);
                    [DllImport("libc", SetLastError = true)] private static extern nint write(int fd, nint buffer, nuint count);
                    [DllImport("libc", SetLastError = true)] private static extern nint read(int fd, byte[] buffer, nuint count);
                    [DllImport("libc")] private static extern int close(int fd);

                    /// <summary>The kernel reads one byte of the page (a kernel-mode fault): "byte x" or "errno N".</summary>
                    private static string KernelRead(int[] pipe, nint address)
                    {
                        nint written = write(pipe[1], address, 1);
                        if (written != 1) return "errno " + Marshal.GetLastPInvokeError();
                        var got = new byte[1];
                        return read(pipe[0], got, 1) == 1 ? "byte " + (char)got[0] : "read failed";
                    }

                    public static string Run()
                    {
                        using var region = new Poisoned();
                        region.Open();
                        var pipe = new int[2];
                        if (pipe2(pipe, 0x80000 /* O_CLOEXEC */) != 0) return "pipe2 errno " + Marshal.GetLastPInvokeError();
                        try
                        {
                            int size = region.PageSize;
                            // The engine's uffd takes kernel-mode faults (UserModeOnly = Allow, and the tests run as
                            // root): write() blocks in the fault until the handler resolves it, for a good page...
                            string good = KernelRead(pipe, region.BaseAddress);
                            // ...and for the failing page, whose provider call the policy answers with UFFDIO_POISON.
                            string poisoned = KernelRead(pipe, region.BaseAddress + size);
                            string calls = string.Join(",", region.Calls);
                            var s = region.Statistics;
                            string stats = $"errors={s.ProviderErrors}|poisoned={s.PoisonedPages}|filled={s.PagesFilled}";
                            // The poison stays: the kernel fails again without asking the provider.
                            string again = KernelRead(pipe, region.BaseAddress + size) + " " + string.Join(",", region.Calls);

                            var page = new byte[size];
                            string pages = "";
                            foreach (int i in new[] { 0, 2, 3 })
                            {
                                region.Read((long)i * size, page);   // GC-safe: the faults are taken in native code
                                pages += page.AsSpan().IndexOfAnyExcept(page[0]) < 0 ? (char)page[0] : '?';
                            }

                            s = region.Statistics;
                            return $"{good}|{poisoned}|{calls}|{stats}|{again}|{pages}|{string.Join(",", region.Calls)}|" +
                                $"same={ReferenceEquals(region.LastProviderError, Poisoned.Thrown)}|" +
                                $"errors={s.ProviderErrors}|poisoned={s.PoisonedPages}|filled={s.PagesFilled}|zero={s.ZeroPages}";
                        }
                        finally
                        {
                            close(pipe[0]);
                            close(pipe[1]);
                        }
                    }
                }
            }
            """;

        Assert.Equal(
            "byte p|errno 14|1,1,0,0|errors=1|poisoned=1|filled=1|errno 14 1,1,0,0|prs|1,1,1,1|" +
            "same=True|errors=1|poisoned=1|filled=3|zero=0",
            InMemoryRegions.Run<string>(Source));
    }
}
