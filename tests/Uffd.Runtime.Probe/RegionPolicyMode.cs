using System;
using Uffd.Regions;

namespace Uffd.Runtime.Probe;

/// <summary>
/// Opens a region engine with the given UserModeOnly policy and reads one page through it: prints
/// "usermodeonly=true|false page=N" (N the byte read), or, via Program's handler, the unavailable message when the
/// policy refuses every uffd this process may have.
/// </summary>
internal static class RegionPolicyMode
{
    public const string RegionName = "PolicyRegion";

    public static int Run(UserModeOnlyPolicy policy)
    {
        using var region = FaultRegionEngine<SevenCallbacks>.Open(
            default, new FaultRegionSettings(RegionName, FaultMode.Missing, 4, HandlerThreads: 1, UserModeOnly: policy));
        byte[] page = new byte[region.PageSize];
        region.Read(region.PageSize, page);
        Program.Print($"usermodeonly={region.IsUserModeOnly.ToString().ToLowerInvariant()} page={page[0]}");
        return 0;
    }

    private struct SevenCallbacks : IFaultRegionCallbacks
    {
        public PageFill FillPage(in PageFaultContext context, Span<byte> page)
        {
            page.Fill(7);
            return PageFill.Filled;
        }

        public void OnWriteFault(in PageFaultContext context)
        {
        }
    }
}
