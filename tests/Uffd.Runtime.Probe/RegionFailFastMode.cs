using System;
using System.Threading;
using System.Threading.Tasks;
using Uffd.Regions;

namespace Uffd.Runtime.Probe;

/// <summary>
/// A region whose provider throws for one page, under the default FailFast policy: reading that page must end the
/// process (Environment.FailFast: SIGABRT) with a message naming the region and the page. Prints "filled" once a
/// good page was served, so the test knows the region worked before the failing page. With "async", the provider
/// is asynchronous and its task faults after a real wait: the policy applies on the thread that completes it.
/// </summary>
internal static class RegionFailFastMode
{
    public const string RegionName = "CrashingRegion";
    public const long FailingPage = 5;

    public static int Run(bool asynchronous)
    {
        // Read touches pages from native code in user mode: the outcome is the same with a user-mode-only uffd (nobody).
        using var region = FaultRegionEngine<ThrowingCallbacks>.Open(
            default, new FaultRegionSettings(RegionName, FaultMode.Missing, 8, UserModeOnly: UserModeOnlyPolicy.Allow, AsynchronousProvider: asynchronous));
        byte[] page = new byte[region.PageSize];
        region.Read(0, page);
        if (page[0] != 1)
        {
            return Program.Fail(Program.Unexpected, $"page 0 read 0x{page[0]:x2}");
        }

        Program.Print("filled");
        region.Read(FailingPage * region.PageSize, page);
        Program.Print("survived");
        return Program.Unexpected;
    }

    private struct ThrowingCallbacks : IFaultRegionCallbacks
    {
        public PageFill FillPage(in PageFaultContext context, Span<byte> page)
        {
            if (context.PageIndex == FailingPage)
            {
                throw new InvalidOperationException("the backing store lost this page");
            }

            page.Fill(1);
            return PageFill.Filled;
        }

        public void OnWriteFault(in PageFaultContext context)
        {
        }

        public async ValueTask<PageFill> FillPagesAsync(PageFaultContext context, Memory<byte> pages, CancellationToken cancellationToken)
        {
            await Task.Delay(1, cancellationToken);
            if (context.PageIndex == FailingPage)
            {
                throw new InvalidOperationException("the backing store lost this page");
            }

            pages.Span.Fill(1);
            return PageFill.Filled;
        }
    }
}
