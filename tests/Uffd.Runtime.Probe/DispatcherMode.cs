using System;
using System.IO;
using Uffd.Regions;

namespace Uffd.Runtime.Probe;

/// <summary>
/// Configures the shared dispatcher (by the API or by the runtime option, as a fresh process must), opens three
/// regions, reads a page of each, and prints what the process then runs:
/// "configured=N threads=T regions-served=3 late-configure=refused".
/// </summary>
internal static class DispatcherMode
{
    public static int Run(string how, int threads)
    {
        if (RegionDispatcher.IsStarted)
        {
            return Program.Fail(Program.Unexpected, "the dispatcher started before the first region");
        }

        if (how == "api")
        {
            RegionDispatcher.Configure(threads);
        }
        else
        {
            // What a runtimeconfig.json option (RuntimeHostConfigurationOption) amounts to.
            AppContext.SetData(RegionDispatcher.ThreadCountOption, threads.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        int configured = RegionDispatcher.ThreadCount;
        int served = 0;
        var regions = new FaultRegionEngine<IndexCallbacks>[3];
        for (int i = 0; i < regions.Length; i++)
        {
            regions[i] = FaultRegionEngine<IndexCallbacks>.Open(
                default, new FaultRegionSettings($"Dispatched{i}", FaultMode.Missing, 4, UserModeOnly: UserModeOnlyPolicy.Allow));
        }

        foreach (FaultRegionEngine<IndexCallbacks> region in regions)
        {
            byte[] page = new byte[region.PageSize];
            region.Read(2L * region.PageSize, page);
            served += page[0] == 2 && page[^1] == 2 ? 1 : 0;
        }

        string late;
        try
        {
            RegionDispatcher.Configure(threads + 1);
            late = "accepted";
        }
        catch (InvalidOperationException)
        {
            late = "refused";
        }

        Program.Print($"configured={configured} threads={CountThreads("uffd dispatch")} running={RegionDispatcher.ThreadCount} regions-served={served} late-configure={late}");
        foreach (FaultRegionEngine<IndexCallbacks> region in regions)
        {
            region.Dispose();
        }

        return 0;
    }

    private static int CountThreads(string prefix)
    {
        int count = 0;
        foreach (string task in Directory.GetDirectories("/proc/self/task"))
        {
            count += File.ReadAllText(Path.Combine(task, "comm")).StartsWith(prefix, StringComparison.Ordinal) ? 1 : 0;
        }

        return count;
    }

    private struct IndexCallbacks : IFaultRegionCallbacks
    {
        public PageFill FillPage(in PageFaultContext context, Span<byte> page)
        {
            page.Fill((byte)context.PageIndex);
            return PageFill.Filled;
        }

        public void OnWriteFault(in PageFaultContext context)
        {
        }
    }
}
